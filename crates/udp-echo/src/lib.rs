//! Lesson 5: UDP datagrams, no connection (seed 002, port 9000)
//!
//! (being written)
