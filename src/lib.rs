//! gongkai（公开）: a static site generator for government information
//! disclosure annual reports (政府信息公开工作年度报告).
//!
//! The pipeline follows the data:
//! `content` (find, read, split) → `report` (parse, check) → `site` (all
//! reports, cross-report rules) → `render` (pages, data) → `output` (atomic write).

// A `Finding` is the error of the few fallible loaders (site.toml, theme, a
// file): cold paths where returning it by value keeps the code plain.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod diag;
pub mod import;
pub mod load_cache;
pub mod manifest;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod serve;
pub mod site;
pub mod synth;
pub mod timing;
