from tests.jobs.fixtures import _reset_test_tasks, immediate_tasks, run_worker  # noqa: F401
