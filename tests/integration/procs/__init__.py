"""Small programs the fault tests start as separate processes and kill with SIGKILL."""
