"""CloudTrail's userIdentity of a caller acting through an assumed role (what burst.py and events.py write)."""


def assumed_role_identity(account, role, session):
    """The `userIdentity` block of a record made by `role`'s session `session` in `account`."""
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{account}:role/{role}",
                                             "accountId": account, "userName": role}},
    }
