//! `gongkai init [DIR]`: a new, empty portal.

use super::EXIT_OK;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

const SITE_TOML: &str = r#"# gongkai 门户设置。所有项都可以省略；写错的键名会报错并提示正确写法。
title = "政府信息公开工作年度报告"      # 网站名称
base_url = ""                          # 网站地址，例如 "https://www.example.gov.cn/xxgk/"
language = "zh-CN"
theme = "default"                      # 主题：themes/<名称>/ 中的文件会替换内置主题的同名文件

[owner]
name = ""          # 主办单位
contact = ""       # 联系方式
site_code = ""     # 网站标识码
icp = ""           # ICP备案号
police = ""        # 公安机关备案号

# 省级格式补充，例如河南要求收费金额保留4位小数：
# [overlay]
# province = "河南"

# 机关设置（机关层级用于检查 T2.4：县级、乡镇街道机关不能制定规章）：
# [agencies."某某区某某局"]
# level = "县级"
# group = "区政府部门"
"#;

/// The generated site, what `build` keeps beside it (the manifest of the
/// incremental build, staging folders of an interrupted build) and the load
/// cache are not sources.
const GITIGNORE: &str = "/public/\n/.public.gongkai-*\n/.gongkai-cache*\n";

pub fn run(dir: &Path) -> Result<ExitCode> {
    let config = dir.join("site.toml");
    if config.exists() {
        bail!("{} 已存在：这里已经是一个门户，没有覆盖", config.display());
    }
    std::fs::create_dir_all(dir.join("content"))
        .with_context(|| format!("无法创建 {}", dir.join("content").display()))?;
    std::fs::write(&config, SITE_TOML).with_context(|| format!("无法写入 {}", config.display()))?;
    // An existing .gitignore is the owner's: left as it is.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, GITIGNORE)
            .with_context(|| format!("无法写入 {}", ignore.display()))?;
    }
    println!("已新建门户：{}", dir.display());
    println!(
        "下一步：gongkai --root {} new <机关名称> <年度>",
        dir.display()
    );
    Ok(ExitCode::from(EXIT_OK))
}
