//! Command-line interface (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// gongkai（公开）：政府信息公开工作年度报告的检查与发布工具
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
pub struct Cli {
    /// 站点根目录（含 site.toml、content/、themes/），默认为当前目录
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// 只输出问题，不输出进度
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查全部报告并生成网站（默认输出到 public/）
    Build {
        /// 输出目录
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 不压缩 HTML（便于调试主题）
        #[arg(long)]
        no_minify: bool,
        /// 全部重新生成（默认只重新生成上次以来有变化的页面，其余文件沿用上次的结果）
        #[arg(long)]
        clean: bool,
    },
    /// 只检查，不生成任何文件
    Check {
        /// 输出格式：text（给人看）或 json（给 CI 用）
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// 本地预览：生成到临时目录并启动网站服务；加 --watch 则保存后自动更新页面
    Serve {
        /// 保存文件后自动重新生成并刷新浏览器
        #[arg(long, short)]
        watch: bool,
        /// 端口
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 监听地址（默认只允许本机访问）
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// 启动后打开浏览器
        #[arg(long)]
        open: bool,
        /// 预览文件的目录（默认是一个临时目录，不会改动 public/）
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 不压缩 HTML
        #[arg(long)]
        no_minify: bool,
    },
    /// 新建一份报告：content/<机关>/<年度>.md，表格全部为 0，每行注明官方名称
    New {
        /// 机关名称，例如 西工区司法局
        agency: String,
        /// 报告年度，例如 2024
        year: i64,
    },
    /// 导入已发布的报告（PDF 转出的文本或网页），写成报告文件并检查
    Import {
        /// 要导入的文件：PDF 转出的文本（.txt，UTF-8 或 GBK），或网页（.html/.htm）
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 机关名称（默认从报告标题识别）
        #[arg(long, value_name = "NAME")]
        agency: Option<String>,
        /// 报告年度（默认从报告标题识别）
        #[arg(long, value_name = "N")]
        year: Option<i64>,
        /// 表格格式（默认按表头识别：本年制发件数为 2021 年格式，本年新制作数量为 2019 年格式）
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// 报告文件写到的目录（默认 content/<机关>/），文件名为 <年度>.md
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// 有读不出的行或单元格时，仍写出能读到的部分（读不出的写为 ~ 并注明“导入时未能读取”）
        #[arg(long)]
        partial: bool,
    },
    /// 新建一个空的门户：site.toml 和 content/
    Init {
        /// 新门户的目录，默认为当前目录
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// The table format `gongkai import --format` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// 2019 年格式（国办公开办函〔2019〕60号，2019、2020年度）
    #[value(name = "2019")]
    V2019,
    /// 2021 年格式（国办公开办函〔2021〕30号，2021年度起）
    #[value(name = "2021")]
    V2021,
}
