from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lockdemo", "0001_initial")]

    operations = [
        # ALTER TABLE ... ADD COLUMN: needs ACCESS EXCLUSIVE on lockdemo_ticket, if only briefly.
        migrations.AddField(
            model_name="ticket",
            name="priority",
            field=models.IntegerField(null=True),
        ),
    ]
