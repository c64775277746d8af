"""Steps of the auth tests: signing in with a given password, changing it, setting the security policy."""
from tests.web_helpers import csrf, login

POLICY = {"password_min_length": "8", "password_min_kinds": "3", "password_history": "5",
          "password_max_age_days": "0", "session_idle_minutes": "30"}


def sign_in(client, username, password):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)})


def change(client, old, new):
    return client.post("/password", data={"csrf_token": csrf(client, "/password"), "old_password": old,
                                          "new_password": new, "new_password2": new})


def set_policy(app, **values):
    """The 安全保密管理员 saves the policy page with `values` over the defaults."""
    client = app.test_client()
    login(client, "secadmin")
    return client.post("/admin/security", data={**POLICY, **values, "csrf_token": csrf(client, "/admin/security")})
