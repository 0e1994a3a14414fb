//! Unit tests of the mail model.
