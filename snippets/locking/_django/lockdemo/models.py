from django.db import models


class Ticket(models.Model):
    title = models.TextField()
    priority = models.IntegerField(null=True)  # added by migrations/0002_add_priority.py
