//! Lesson 6: the UDP "QQ" chat (seeds 001 and 002, ports 8081-8084)
//!
//! (being written)
