//! Lesson 3: several clients, served one at a time (seed 004, port 7890)
//!
//! (being written)
