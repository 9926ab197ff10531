"""The fault suite: real misbehaving node servers on 127.0.0.1 against the whole harvest path."""
