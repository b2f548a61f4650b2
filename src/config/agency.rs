//! Per-agency settings: `[agencies."名称"]` in `site.toml`, or an
//! `_index.md` in the agency's folder under `content/` (its front matter
//! holds the same keys, its body an introduction shown on the agency page).

use crate::content::yaml::Pos;
use crate::diag::{Finding, codes};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings for one agency.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AgencyConfig {
    /// Administrative level, for T2.4: 国务院部门, 省级, 设区的市, 县级, 乡镇街道.
    pub level: Option<AgencyLevel>,
    /// Group on the index page, e.g. `区政府部门`.
    pub group: Option<String>,
    /// 政府 (report due 31 March) or 部门 (due 31 January); default by the
    /// name: `…人民政府` is a government.
    pub kind: Option<AgencyKind>,
    /// The agency publishes a consolidated (汇总) report (C1; due 31 March).
    pub consolidated: bool,
    /// The agencies a consolidated report covers, by name.
    pub members: Vec<String>,
    /// Introduction shown on the agency page (Markdown; the body of `_index.md`).
    #[serde(skip)]
    pub intro: String,
}

/// Whose report: a government's (本级政府) or a department's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AgencyKind {
    Government,
    Department,
}

impl AgencyKind {
    /// Month and day of the next year by which the report must be published.
    pub fn deadline(self) -> (u8, u8) {
        match self {
            AgencyKind::Government => (3, 31),
            AgencyKind::Department => (1, 31),
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            AgencyKind::Government => "人民政府",
            AgencyKind::Department => "政府部门",
        }
    }
}

impl<'de> Deserialize<'de> for AgencyKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim() {
            "government" | "政府" | "人民政府" => Ok(AgencyKind::Government),
            "department" | "部门" | "政府部门" => Ok(AgencyKind::Department),
            other => Err(serde::de::Error::custom(format!(
                "kind 不能是“{other}”，可用：政府、部门（或 government, department）"
            ))),
        }
    }
}

impl AgencyConfig {
    /// The kind, declared or from the name.
    pub fn kind_of(config: Option<&AgencyConfig>, name: &str) -> AgencyKind {
        match config {
            Some(AgencyConfig { kind: Some(k), .. }) => *k,
            Some(c) if c.consolidated => AgencyKind::Government,
            _ if name.ends_with("人民政府") => AgencyKind::Government,
            _ => AgencyKind::Department,
        }
    }

    /// Fills what `self` leaves unset from `other`.
    fn fill_from(&mut self, other: AgencyConfig) {
        self.level = self.level.or(other.level);
        self.group = self.group.take().or(other.group);
        self.kind = self.kind.or(other.kind);
        self.consolidated |= other.consolidated;
        if self.members.is_empty() {
            self.members = other.members;
        }
        if self.intro.is_empty() {
            self.intro = other.intro;
        }
    }
}

/// The administrative level of an agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AgencyLevel {
    StateCouncil,
    Province,
    City,
    County,
    Township,
}

impl AgencyLevel {
    pub fn chinese(self) -> &'static str {
        match self {
            AgencyLevel::StateCouncil => "国务院部门",
            AgencyLevel::Province => "省级机关",
            AgencyLevel::City => "设区的市级机关",
            AgencyLevel::County => "县（区）级机关",
            AgencyLevel::Township => "乡镇（街道）",
        }
    }

    const NAMES: [(&'static str, AgencyLevel); 14] = [
        ("state_council", AgencyLevel::StateCouncil),
        ("国务院部门", AgencyLevel::StateCouncil),
        ("province", AgencyLevel::Province),
        ("省级", AgencyLevel::Province),
        ("city", AgencyLevel::City),
        ("设区的市", AgencyLevel::City),
        ("市级", AgencyLevel::City),
        ("county", AgencyLevel::County),
        ("县级", AgencyLevel::County),
        ("区县", AgencyLevel::County),
        ("township", AgencyLevel::Township),
        ("乡镇", AgencyLevel::Township),
        ("街道", AgencyLevel::Township),
        ("乡镇街道", AgencyLevel::Township),
    ];
}

impl<'de> Deserialize<'de> for AgencyLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AgencyLevel::NAMES
            .iter()
            .find(|(n, _)| *n == s.trim())
            .map(|(_, l)| *l)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "level 不能是“{s}”，可用：国务院部门、省级、设区的市、县级、乡镇街道（或 state_council, province, city, county, township）"
                ))
            })
    }
}

/// The front matter of an `_index.md`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AgencyIndex {
    /// The agency's name as its reports write it; default: the folder name.
    name: Option<String>,
    level: Option<AgencyLevel>,
    group: Option<String>,
    kind: Option<AgencyKind>,
    consolidated: bool,
    members: Vec<String>,
}

/// Reads every `content/**/_index.md` (`indexes`, from
/// [`crate::content::list`]) and merges it under the settings of `site.toml`
/// (which win where both say something).
pub fn load_agency_indexes(
    indexes: &[crate::content::SourcePath],
    agencies: &mut BTreeMap<String, AgencyConfig>,
) -> Result<(), Finding> {
    for source in indexes {
        let (name, config) = read_index(source)?;
        agencies.entry(name).or_default().fill_from(config);
    }
    Ok(())
}

fn read_index(source: &crate::content::SourcePath) -> Result<(String, AgencyConfig), Finding> {
    let text = crate::content::read_text(source)?;
    let split = crate::content::split_front_matter(&text)
        .map_err(|(pos, msg)| Finding::error(&source.rel, pos, codes::SYNTAX, msg))?;
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_depth: 8, max_nodes: 2_000, max_aliases: 0, max_anchors: 0 },
        strict_booleans: true,
        with_snippet: false,
    };
    let index: AgencyIndex = if split.yaml.trim().is_empty() {
        AgencyIndex::default()
    } else {
        serde_saphyr::from_str_with_options(split.yaml, options).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as u32, l.column() as u32))
                .unwrap_or((1, 1));
            let text = e.without_snippet().to_string();
            let message = match text.split_once("unknown field `") {
                Some((_, rest)) => format!(
                    "没有“{}”这个设置；可用：name、level、group、kind、consolidated、members",
                    rest.split('`').next().unwrap_or("")
                ),
                None => format!("格式错误：{text}"),
            };
            Finding::error(
                &source.rel,
                Pos::new(line + split.yaml_line - 1, column.max(1)),
                codes::UNKNOWN_KEY,
                message,
            )
        })?
    };
    let folder = source
        .stem
        .rsplit_once('/')
        .map(|(folder, _)| folder)
        .unwrap_or("");
    let name = index
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| folder.rsplit('/').next().unwrap_or(folder).to_string());
    let config = AgencyConfig {
        level: index.level,
        group: index.group,
        kind: index.kind,
        consolidated: index.consolidated,
        members: index.members,
        intro: split.body.trim().to_string(),
    };
    Ok((name, config))
}
