//! Lesson 2: many messages on one connection (seed 002, port 8081)
//!
//! (being written)
