//! A stable sort of large items without the scratch copy of them a stable sort allocates.
//!
//! `slice::sort_by` is stable by merging through scratch memory of up to as many items as it
//! sorts: megabytes of findings or report entries at provider scale, allocated while the model
//! is alive beside them (the peak). Here the order is worked out on `u32` indices, then applied
//! to the items by swapping along its cycles.

use std::cmp::Ordering;

/// Sort `items` by `compare`, keeping equal items in their order (like `slice::sort_by`).
pub fn sort_by_in_place<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.is_sorted_by(|a, b| compare(a, b) != Ordering::Greater) {
        return;
    }
    let Ok(n) = u32::try_from(items.len()) else {
        items.sort_by(compare);
        return;
    };
    let mut order: Vec<u32> = (0..n).collect();
    order
        .sort_unstable_by(|&a, &b| compare(&items[a as usize], &items[b as usize]).then(a.cmp(&b)));
    // Position `i` is to hold what is at `order[i]`; a done position points at itself.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same order as the standard library's stable sort, ties included, on a mix of keys
    /// with many repeats, cycles of every length and items already in place.
    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u32;
        for len in [0usize, 1, 2, 3, 10, 257, 5_000] {
            let items: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 13, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            let mut sorted = items;
            sort_by_in_place(&mut sorted, |a, b| a.0.cmp(&b.0));
            assert_eq!(sorted, expected, "{len} items");
        }
    }
}
