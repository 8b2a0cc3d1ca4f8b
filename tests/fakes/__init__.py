"""In-memory fakes and builders other test suites can reuse."""
