//! Bulleted lists as nested items. The nesting comes from what the conversion kept
//! (indentation, dash sub-bullets) and is then repaired with the house style of Ofsted's lists,
//! because conversions from PDF lose or scramble indentation: only an item ending in a colon
//! ("… by:") introduces a sub-list, and the items of a sub-list share its grammar (after "by:"
//! they are gerunds: "sustaining …", "improving …").

use serde::{Deserialize, Serialize};

/// One bullet and the bullets nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    pub text: String,
    pub children: Vec<ListItem>,
}

impl ListItem {
    pub fn new(text: impl Into<String>) -> ListItem {
        ListItem {
            text: text.into(),
            children: Vec::new(),
        }
    }
}

/// Items with their nesting levels (0 = top) in document order, as a repaired tree.
pub(crate) fn build_list(entries: &[(usize, String)]) -> Vec<ListItem> {
    let mut items = tree_from_levels(entries);
    hoist_children_of_plain_items(&mut items);
    adopt_following_gerunds(&mut items);
    items
}

/// The tree the levels describe. A level deeper than one below the item before is read as one
/// below it, and the shallowest level present counts as the top.
fn tree_from_levels(entries: &[(usize, String)]) -> Vec<ListItem> {
    let top = entries.iter().map(|(level, _)| *level).min().unwrap_or(0);
    let mut roots: Vec<ListItem> = Vec::new();
    for (level, text) in entries {
        insert_at_depth(&mut roots, level - top, ListItem::new(text.clone()));
    }
    roots
}

/// Appends `item` `depth` levels down along the last item of each level (or as high as the
/// tree reaches).
fn insert_at_depth(siblings: &mut Vec<ListItem>, depth: usize, item: ListItem) {
    match siblings.last_mut() {
        Some(last) if depth > 0 => insert_at_depth(&mut last.children, depth - 1, item),
        _ => siblings.push(item),
    }
}

fn introduces_sublist(item: &ListItem) -> bool {
    item.text.trim_end().ends_with(':')
}

/// An item that doesn't end in a colon can't head a sub-list: whatever the conversion nested
/// under it are its siblings.
fn hoist_children_of_plain_items(items: &mut Vec<ListItem>) {
    let mut repaired = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        hoist_children_of_plain_items(&mut item.children);
        let orphans = if introduces_sublist(&item) {
            Vec::new()
        } else {
            std::mem::take(&mut item.children)
        };
        repaired.push(item);
        repaired.extend(orphans);
    }
    *items = repaired;
}

fn starts_with_gerund(text: &str) -> bool {
    let first: String = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    first.len() > 4 && first.ends_with("ing")
}

/// Gerund items right after an item ending in a colon that is not itself a gerund belong to
/// its sub-list ("build on … by:" → "increasing …", "narrowing …"), wherever the conversion put
/// them.
fn adopt_following_gerunds(items: &mut Vec<ListItem>) {
    let mut repaired: Vec<ListItem> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match repaired.last_mut() {
            Some(parent)
                if introduces_sublist(parent)
                    && !starts_with_gerund(&parent.text)
                    && starts_with_gerund(&item.text)
                    && item.children.is_empty() =>
            {
                parent.children.push(item)
            }
            _ => repaired.push(item),
        }
    }
    for item in &mut repaired {
        adopt_following_gerunds(&mut item.children);
    }
    *items = repaired;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[(usize, &str)]) -> Vec<(usize, String)> {
        list.iter().map(|(l, t)| (*l, (*t).to_string())).collect()
    }

    fn shape(items: &[ListItem]) -> Vec<(String, usize)> {
        items.iter().map(|i| (i.text.clone(), i.children.len())).collect()
    }

    #[test]
    fn nests_by_level_under_a_colon() {
        let list = build_list(&entries(&[
            (0, "improve teaching by:"),
            (1, "checking work"),
            (1, "planning well"),
            (0, "raise attendance"),
        ]));
        assert_eq!(
            shape(&list),
            vec![("improve teaching by:".into(), 2), ("raise attendance".into(), 0)]
        );
        assert_eq!(list[0].children[1].text, "planning well");
    }

    #[test]
    fn children_of_an_item_without_a_colon_are_siblings() {
        let list = build_list(&entries(&[
            (0, "gather data."),
            (1, "evaluate support"),
            (1, "develop governance"),
        ]));
        assert_eq!(shape(&list).len(), 3);
    }

    #[test]
    fn gerunds_after_a_colon_item_join_its_sublist() {
        // Letter 002's "Areas for improvement" as converted.
        let list = build_list(&entries(&[
            (0, "build on the work by:"),
            (1, "sustaining an increase"),
            (1, "improving rapidly"),
            (0, "increasing the percentage"),
            (1, "narrowing, then closing, the gaps"),
            (0, "gather and analyse data."),
            (1, "evaluate the quality"),
        ]));
        assert_eq!(
            shape(&list),
            vec![
                ("build on the work by:".into(), 4),
                ("gather and analyse data.".into(), 0),
                ("evaluate the quality".into(), 0)
            ]
        );
        assert_eq!(list[0].children[3].text, "narrowing, then closing, the gaps");
    }

    #[test]
    fn deep_jumps_and_indented_starts_are_tolerated() {
        let list = build_list(&entries(&[(2, "a:"), (5, "b"), (2, "c")]));
        assert_eq!(shape(&list), vec![("a:".into(), 1), ("c".into(), 0)]);
        assert!(build_list(&[]).is_empty());
    }
}
