//! The event queue: ordered by (time, sequence), ties first in first out, cancellable,
//! refusing events in the past. Storage is reused across trials.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Handle of a scheduled event, for cancelling it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventId(u32);

/// An attempt to schedule an event before the current time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InThePast {
    /// Requested time.
    pub at: f64,
    /// Current time.
    pub now: f64,
}

#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    time: f64,
    seq: u32,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: BinaryHeap is a max-heap, the queue pops the earliest (time, seq).
    fn cmp(&self, o: &Self) -> Ordering {
        o.time.total_cmp(&self.time).then(o.seq.cmp(&self.seq))
    }
}

/// A discrete-event queue.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    cancelled: Vec<bool>,
    next_seq: u32,
    now: f64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            cancelled: Vec::new(),
            next_seq: 0,
            now: 0.0,
        }
    }
}

impl<E: Copy> EventQueue<E> {
    /// Empties the queue and rewinds time to 0, keeping the storage.
    pub fn reset(&mut self) {
        self.heap.clear();
        self.cancelled.clear();
        self.next_seq = 0;
        self.now = 0.0;
    }

    /// Current time (that of the last event popped).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at `time`; refused if `time` is before now.
    pub fn schedule(&mut self, time: f64, event: E) -> Result<EventId, InThePast> {
        if time < self.now || time.is_nan() {
            return Err(InThePast {
                at: time,
                now: self.now,
            });
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.cancelled.push(false);
        self.heap.push(Entry { time, seq, event });
        Ok(EventId(seq))
    }

    /// Cancels a scheduled event (no effect if it already happened).
    pub fn cancel(&mut self, id: EventId) {
        if let Some(c) = self.cancelled.get_mut(id.0 as usize) {
            *c = true;
        }
    }

    /// Time of the next live event.
    pub fn peek_time(&mut self) -> Option<f64> {
        while let Some(e) = self.heap.peek() {
            if self.cancelled[e.seq as usize] {
                self.heap.pop();
            } else {
                return Some(e.time);
            }
        }
        None
    }

    /// Pops the next live event and advances time to it.
    pub fn pop(&mut self) -> Option<(f64, E)> {
        while let Some(e) = self.heap.pop() {
            if !self.cancelled[e.seq as usize] {
                self.now = e.time;
                return Some((e.time, e.event));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_fifo_and_cancels() {
        let mut q = EventQueue::default();
        q.schedule(2.0, 'a').unwrap();
        let b = q.schedule(1.0, 'b').unwrap();
        q.schedule(1.0, 'c').unwrap();
        q.schedule(1.0, 'd').unwrap();
        q.cancel(b);
        assert_eq!(q.pop(), Some((1.0, 'c')));
        assert_eq!(q.pop(), Some((1.0, 'd')));
        assert_eq!(q.schedule(0.5, 'x'), Err(InThePast { at: 0.5, now: 1.0 }));
        assert_eq!(q.pop(), Some((2.0, 'a')));
        assert_eq!(q.pop(), None);
        q.reset();
        assert!(q.schedule(0.0, 'y').is_ok());
    }
}
