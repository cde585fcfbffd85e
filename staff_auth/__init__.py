"""Staff sign-in: two-factor login (django-otp), the lock-out's delay and alert, idle logoff.

``devices`` (TOTP enrolment, backup codes, resets), ``forms`` (the login form that asks for the code),
``views`` (enrolment), ``lockout`` (per-username delay and the security contact's alert), ``signals``
(sign-ins and failures in the audit log), ``idle`` (the idle-timeout middleware), ``admin`` (the
superuser's "reset two-factor" action). The admin site that requires the second factor is
portal/admin_site.py.
"""
