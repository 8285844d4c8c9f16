from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "comptoir.appointments"
    verbose_name = "Appointments"
