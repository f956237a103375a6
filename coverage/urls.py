app_name = "coverage"
urlpatterns: list = []
