"""Publishing a review on GitHub: the action's entry point, its inputs, and the REST calls.

`action.py` runs `dockhand action` (event -> refs -> review -> files -> publish); `publish.py`
posts a Review to a pull request (sticky comment, inline review, check); everything that
talks to the REST API goes through `client.py`'s retrying calls.
"""
