//! The Vapi simulator.
