//! Decoded read models kept between requests. Every committed write bumps one generation number,
//! so an entry is used only while nothing at all has been written since it was read: never stale,
//! and no per-table bookkeeping to get wrong.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// More accounts than this in the cache and it starts over (a bound on memory, not an LRU).
const MAX_ENTRIES: usize = 4096;

pub struct Cache<K, T> {
    generation: AtomicU64,
    entries: Mutex<HashMap<K, (u64, Arc<T>)>>,
}

impl<K, T> Default for Cache<K, T> {
    fn default() -> Self {
        Cache {
            generation: AtomicU64::new(0),
            entries: Mutex::default(),
        }
    }
}

impl<K: Hash + Eq, T> Cache<K, T> {
    /// Called after every commit.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The cached value of `key`, or `load`'s, remembered under the generation read *before*
    /// loading: a write that commits meanwhile makes the entry unusable at once.
    pub fn get_or_load<E>(&self, key: K, load: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        let generation = self.generation.load(Ordering::Acquire);
        if let Ok(entries) = self.entries.lock()
            && let Some((cached_at, value)) = entries.get(&key)
            && *cached_at == generation
        {
            return Ok(value.clone());
        }
        let value = Arc::new(load()?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (generation, value.clone()));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_between_load_and_use_is_never_hidden() {
        let cache: Cache<u64, &str> = Cache::default();
        let first = cache.get_or_load(1, || Ok::<_, ()>("old"));
        assert_eq!(first.map(|v| *v), Ok("old"));
        assert_eq!(
            cache.get_or_load(1, || Ok::<_, ()>("unused")).map(|v| *v),
            Ok("old")
        );
        cache.invalidate_all();
        assert_eq!(
            cache.get_or_load(1, || Ok::<_, ()>("new")).map(|v| *v),
            Ok("new")
        );
        // A load that started before a commit is stored under the old generation: not reused.
        let racing = cache.get_or_load(2, || {
            cache.invalidate_all();
            Ok::<_, ()>("read before the commit")
        });
        assert!(racing.is_ok());
        assert_eq!(
            cache.get_or_load(2, || Ok::<_, ()>("fresh")).map(|v| *v),
            Ok("fresh")
        );
    }
}
