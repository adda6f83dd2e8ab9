//! The load stage: a campaign folder read into a [`Project`], with the
//! layouts it may use (built-in, or its own registry) and its locale pack.

use std::path::PathBuf;

use crate::campaign::{self, Campaign, Known};
use crate::content::{self, Pack};
use crate::layouts::{self, Layout};
use crate::world;

/// A loaded campaign with the layouts and words it uses.
pub struct Project {
    /// The campaign.
    pub campaign: Campaign,
    /// Every layout available to it.
    pub layouts: Vec<Layout>,
    /// Its locale pack.
    pub pack: Pack,
    /// Loaded as one commune of a province's folder (`crate::province`):
    /// its tracking workbook is the province folder's, one per commune.
    pub in_province: bool,
}

/// What a campaign may name: the built-in layouts, locales, tactics, audiences.
pub fn known() -> Known {
    let vi = Pack::builtin("vi").expect("the vi pack is built in");
    Known {
        layouts: layouts::builtin().iter().map(|l| l.id.clone()).collect(),
        locales: content::BUILTIN.iter().map(|(c, _)| c.to_string()).collect(),
        tactics: vi.tactic_ids(),
        audiences: vi.audience_ids(),
    }
}

/// A loaded campaign with its layouts (built-in, or its own registry) and
/// locale pack.
pub fn from_campaign(campaign: Campaign) -> Project {
    let mut layouts = layouts::builtin();
    if let Some((_, custom)) = &campaign.custom_layouts {
        layouts.retain(|l| !custom.iter().any(|c| c.id == l.id));
        layouts.extend(custom.iter().cloned());
    }
    let pack = Pack::builtin(&campaign.locale).expect("locale checked against the built-in packs");
    Project { campaign, layouts, pack, in_province: false }
}

impl Project {
    /// The shared Typst world for this campaign.
    pub fn base(&self, font_dirs: &[PathBuf]) -> Result<world::Base, crate::diag::Fault> {
        let c = &self.campaign;
        let source = match &c.custom_layouts {
            Some((dir, _)) => world::LayoutSource::Dir(dir.clone()),
            None => world::LayoutSource::Builtin,
        };
        world::Base::new(source, Some(&c.root), font_dirs, c.date)
    }

    /// A layout by id, or a message listing the ones there are.
    pub fn layout(&self, id: &str) -> Result<&Layout, String> {
        self.layouts
            .iter()
            .find(|l| l.id == id)
            .ok_or_else(|| format!("không có mẫu “{id}”; các mẫu có sẵn: {}", self.layout_ids()))
    }

    /// The ids of every layout, for messages.
    pub fn layout_ids(&self) -> String {
        self.layouts.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// A village index by name, full name or slug.
    pub fn village(&self, name: &str) -> Option<usize> {
        self.campaign.villages.iter().position(|v| {
            campaign::same_name(&v.name, name)
                || campaign::same_name(&v.full(), name)
                || v.slug == name
        })
    }
}
