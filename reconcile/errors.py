"""Reconcile's one domain exception."""


class ReconcileError(Exception):
    """A reconcile request cannot be carried out (unknown field, value of the wrong kind, bad state).

    The message says what is wrong and names the activity or conflict.
    """
