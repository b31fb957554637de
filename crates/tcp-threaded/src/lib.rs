//! Lesson 4: several clients at once, one thread each (seed 000 case 2, port 9998)
//!
//! (being written)
