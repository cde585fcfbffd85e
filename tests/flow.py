"""Drive the intake through Django's test client as a family would."""

from requests_app import family_session, intake
from requests_app.models import SecondOpinionRequest

from . import answers


def start(client, role="guardian"):
    response = client.post("/request/start/", {"role": role})
    assert response.status_code == 302, response.status_code
    return SecondOpinionRequest.objects.get(pk=family_session.draft_id(client.session))


def post_step(client, slug, data=None, action="continue", **extra):
    payload = {**(answers.for_step(slug) if data is None else data), "action": action, **extra}
    return client.post(f"/request/{slug}/", payload)


def fill_all_steps(client, draft, resume_email="maria.lopez@example.com"):
    """Answer every step in order, accepting the resume-link offer after the child's step.

    ``resume_email`` is the address given there when the draft has none of its own yet.
    """
    for step in intake.steps_for(draft):
        response = post_step(client, step.slug)
        assert response.status_code == 302, (step.slug, response.content.decode()[:2000])
        if response.url == "/request/save/":
            response = client.post("/request/save/", {"action": "send", "email": resume_email})
            assert response.status_code == 302
    return SecondOpinionRequest.objects.get(pk=draft.pk)


def submit(client):
    return client.post("/request/submit/")
