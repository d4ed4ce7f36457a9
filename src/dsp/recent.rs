//! A small cache of the most recently used shared values, for filter banks
//! that depend on a tuning estimate. Estimates come from a 0.01-resolution
//! histogram, so the same values repeat across tracks and windows.

use std::sync::{Arc, Mutex};

/// Up to `capacity` values keyed by a `u64`, most recently used first.
pub struct Recent<T> {
    capacity: usize,
    slots: Mutex<Vec<(u64, Arc<T>)>>,
}

impl<T> Recent<T> {
    /// An empty cache holding at most `capacity` values.
    pub const fn new(capacity: usize) -> Self {
        Self {
            capacity,
            slots: Mutex::new(Vec::new()),
        }
    }

    /// The value for `key`, built with `make` (outside the lock) when it is
    /// not cached; the least recently used value is dropped when full.
    pub fn get_or_insert_with(&self, key: u64, make: impl FnOnce() -> T) -> Arc<T> {
        if let Ok(mut slots) = self.slots.lock() {
            if let Some(pos) = slots.iter().position(|(k, _)| *k == key) {
                let slot = slots.remove(pos);
                let value = Arc::clone(&slot.1);
                slots.insert(0, slot);
                return value;
            }
        }
        let value = Arc::new(make());
        if let Ok(mut slots) = self.slots.lock() {
            slots.retain(|(k, _)| *k != key);
            slots.insert(0, (key, Arc::clone(&value)));
            slots.truncate(self.capacity);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_values() {
        let cache = Recent::new(2);
        let mut built = 0;
        let mut get = |k: u64| {
            *cache.get_or_insert_with(k, || {
                built += 1;
                k * 10
            })
        };
        assert_eq!(get(1), 10);
        assert_eq!(get(2), 20);
        assert_eq!(get(1), 10);
        assert_eq!(get(3), 30); // drops 2, the least recently used
        assert_eq!(get(1), 10);
        assert_eq!(get(2), 20);
        assert_eq!(built, 4);
    }
}
