//! One sort for the whole crate. Each `sort_by` over another element type or
//! comparator is one more copy of the standard library's sort in the wasm
//! build (1 to 5 KB each; seven of them were about a tenth of the browser
//! build's code). So every caller sorts through
//! [`positions`]: one non-generic merge sort of positions by their keys'
//! bytes tells the caller where each of its items goes.

use std::cmp::Ordering;

/// The positions of `keys` in byte order of the keys; equal keys keep their
/// given order.
pub(crate) fn positions(keys: &[&[u8]]) -> Vec<usize> {
    positions_by(keys, <[u8]>::cmp)
}

/// The positions of `keys` in the order `cmp` puts them; equal keys keep
/// their given order. A bottom-up merge sort of positions: stable, n log n
/// comparisons whatever the input, and a fraction of the standard
/// library's sort in the wasm build. `cmp` is a plain function, so there
/// is one copy of the sort whatever the order.
pub(crate) fn positions_by(keys: &[&[u8]], cmp: fn(&[u8], &[u8]) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let mut merged = vec![0; keys.len()];
    let key = |i: usize| keys.get(i).copied().unwrap_or_default();
    let mut width = 1;
    while width < order.len() {
        for (runs, out) in order.chunks(2 * width).zip(merged.chunks_mut(2 * width)) {
            let (left, right) = runs.split_at(width.min(runs.len()));
            merge(left, right, out, key, cmp);
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Merges two sorted runs of positions into `out`; on equal keys the left
/// run's first, which keeps the sort stable.
fn merge<'k>(
    left: &[usize],
    right: &[usize],
    out: &mut [usize],
    key: impl Fn(usize) -> &'k [u8],
    cmp: fn(&[u8], &[u8]) -> Ordering,
) {
    let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
    for slot in out {
        let from_left = match (left.peek(), right.peek()) {
            (Some(&&l), Some(&&r)) => cmp(key(l), key(r)) != Ordering::Greater,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let next = if from_left { left.next() } else { right.next() };
        *slot = next.copied().unwrap_or_default();
    }
}

/// Sorts `items` stably by the bytes of `key`.
pub(crate) fn sort_by_bytes<T>(items: &mut Vec<T>, key: for<'x> fn(&'x T) -> &'x [u8]) {
    let keys: Vec<&[u8]> = items.iter().map(key).collect();
    let order = positions(&keys);
    reorder(items, &order);
}

/// Puts `items` in the order `order` (a permutation of their positions) lists.
pub(crate) fn reorder<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_bytes_and_keeps_equal_keys_in_order() {
        let mut items = vec![
            ("b", 1),
            ("a", 2),
            ("b", 3),
            ("", 4),
            ("a", 5),
            ("\u{e9}", 6),
            ("B", 7),
        ];
        sort_by_bytes(&mut items, |(k, _)| k.as_bytes());
        assert_eq!(
            items,
            [
                ("", 4),
                ("B", 7),
                ("a", 2),
                ("a", 5),
                ("b", 1),
                ("b", 3),
                ("\u{e9}", 6)
            ]
        );
        let mut none: Vec<(&str, i32)> = Vec::new();
        sort_by_bytes(&mut none, |(k, _)| k.as_bytes());
        assert!(none.is_empty());
    }

    proptest::proptest! {
        /// The same order as the standard library's stable sort.
        #[test]
        fn agrees_with_the_std_stable_sort(keys in proptest::collection::vec("[ab\u{e9}]{0,3}", 0..40)) {
            let mut ours: Vec<(String, usize)> = keys.iter().cloned().zip(0..).collect();
            let mut std = ours.clone();
            sort_by_bytes(&mut ours, |(k, _)| k.as_bytes());
            std.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            proptest::prop_assert_eq!(ours, std);
        }
    }
}
