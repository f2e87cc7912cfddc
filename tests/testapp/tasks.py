from django_tasks import task


@task()
def remember(text: str) -> str:
    return text
