//! Expansion of a ministry entry into its nodes (its links and services are generated with
//! the others, in `network` and `services`).

use super::builder::{sp, Builder, NodeSpec};
use crate::diag::{checks, Result, Span};
use crate::scenario::{
    ExpansionDef, Located, MinistryDef, NodeKind, PlacementDef, RemoteAccess, SString, Spanned,
};

/// One ministry entry and the classes its components take.
struct Parts<'a> {
    file: usize,
    d: &'a MinistryDef,
    x: &'a Located<ExpansionDef>,
}

impl Parts<'_> {
    fn class(&self, c: &SString) -> Option<(String, Span)> {
        Some((c.get_ref().clone(), self.x.span(c)))
    }

    fn place(&self, p: &Spanned<PlacementDef>) -> Option<(PlacementDef, Span)> {
        Some((p.get_ref().clone(), sp(self.file, p)))
    }

    fn site(&self, s: &SString) -> Option<(PlacementDef, Span)> {
        Some((PlacementDef::Site(s.get_ref().clone()), sp(self.file, s)))
    }

    /// Node `<id>.<part>`, which always exists and has no G-net access line.
    fn node(
        &self,
        part: &str,
        kind: NodeKind,
        class: Option<(String, Span)>,
        placement: Option<(PlacementDef, Span)>,
        (en, ja): (&str, &str),
    ) -> NodeSpec {
        let id = self.d.id.get_ref();
        NodeSpec {
            id: format!("{id}.{part}"),
            owner: id.clone(),
            exists_as: None,
            span: sp(self.file, &self.d.id),
            kind,
            class,
            placement,
            exists_p: 1.0,
            gnet_access: false,
            name_en: format!("{} {en}", self.d.name_en),
            name_ja: format!("{}{ja}", self.d.name_ja),
        }
    }
}

impl Builder<'_> {
    /// The nodes of one ministry: offices and servers, interconnection points to G-net, and
    /// the ways its staff reach its network.
    pub(super) fn expand_ministry(
        &self,
        mi: &Located<MinistryDef>,
        x: &Located<ExpansionDef>,
        out: &mut Vec<NodeSpec>,
    ) -> Result<()> {
        let (f, d) = (mi.file, &mi.item);
        if d.source.get_ref().trim().is_empty() {
            return Err(self.err(
                sp(f, &d.source),
                format!(
                    "ministry `{}` does not say where its facts come from",
                    d.id.get_ref()
                ),
                Some("set source to the seed document and page, or \"assumption: <why>\"".into()),
            ));
        }
        let parts = Parts { file: f, d, x };
        self.servers(&parts, out);
        self.interconnection(&parts, out)?;
        self.access(&parts, out)
    }

    /// Headquarters, the ministry's WAN, main and backup servers.
    fn servers(&self, m: &Parts, out: &mut Vec<NodeSpec>) {
        let (d, x) = (m.d, &m.x.item);
        let hq = m.class(&x.hq_class);
        out.push(m.node(
            "hq",
            NodeKind::Office,
            hq,
            m.site(&d.hq_site),
            ("headquarters", "本省庁舎"),
        ));
        let names = ("network (carrier WAN)", "府省内NW");
        out.push(m.node("wan", NodeKind::Network, None, None, names));
        let (server, names) = (m.class(&x.server_class), ("main servers", "メインサーバー"));
        out.push(m.node(
            "main",
            NodeKind::Server,
            server,
            m.place(&d.main_server),
            names,
        ));
        if let Some(b) = &d.backup_server {
            let (server, names) = (
                m.class(&x.server_class),
                ("backup servers", "バックアップサーバー"),
            );
            out.push(m.node("backup", NodeKind::Server, server, m.place(b), names));
        }
    }

    /// Interconnection points to G-net, and the one that may stand beside the backup server.
    fn interconnection(&self, m: &Parts, out: &mut Vec<NodeSpec>) -> Result<()> {
        let (f, d, x) = (m.file, m.d, &m.x.item);
        let id = d.id.get_ref();
        if d.interconnection.get_ref().is_empty() {
            return Err(self.err(
                sp(f, &d.interconnection),
                format!("ministry `{id}` has no interconnection point to G-net"),
                Some("list at least one site in `interconnection`".into()),
            ));
        }
        for (k, ic) in d.interconnection.get_ref().iter().enumerate() {
            let en = format!("interconnection point {} to G-net", k + 1);
            let ja = format!("政府共通NWとの接続点{}", k + 1);
            let (class, place) = (m.class(&x.interconnection_class), m.place(ic));
            out.push(NodeSpec {
                gnet_access: true,
                ..m.node(
                    &format!("ixp{}", k + 1),
                    NodeKind::Router,
                    class,
                    place,
                    (&en, &ja),
                )
            });
        }
        let at_backup = checks::prob_or(
            self.src,
            f,
            d.interconnection_at_backup_p.as_ref(),
            "interconnection_at_backup_p",
            1.0,
        )?;
        if let (Some(pspan), true) = (&d.interconnection_at_backup_p, at_backup > 0.0) {
            let Some(b) = &d.backup_server else {
                return Err(self.err(
                    sp(f, pspan),
                    format!("ministry `{id}` has interconnection_at_backup_p but no backup_server"),
                    Some("add backup_server or remove interconnection_at_backup_p".into()),
                ));
            };
            let names = (
                "interconnection point at the backup site",
                "バックアップ側接続点",
            );
            let (class, place) = (m.class(&x.interconnection_class), m.place(b));
            out.push(NodeSpec {
                exists_p: at_backup,
                gnet_access: true,
                ..m.node("ixp_backup", NodeKind::Router, class, place, names)
            });
        }
        Ok(())
    }

    /// The internet gateway, the staff at the Kansai alternate site, remote access and the
    /// Kansai branch office.
    fn access(&self, m: &Parts, out: &mut Vec<NodeSpec>) -> Result<()> {
        let (f, d, x) = (m.file, m.d, &m.x.item);
        let (gw, names) = (
            m.class(&x.gateway_class),
            ("internet gateway", "インターネット接続点"),
        );
        out.push(m.node(
            "inet_gw",
            NodeKind::Gateway,
            gw,
            m.place(&d.internet_gateway),
            names,
        ));
        let names = ("staff at the Kansai alternate site", "関西代替拠点の職員");
        out.push(m.node("staff", NodeKind::Virtual, None, None, names));
        if d.remote_access != RemoteAccess::None {
            let p = checks::prob_or(
                self.src,
                f,
                d.remote_access_p.as_ref(),
                "remote_access_p",
                1.0,
            )?;
            let names = (
                "remote access session over the internet",
                "リモートアクセス",
            );
            out.push(NodeSpec {
                exists_p: p,
                ..m.node("remote", NodeKind::Virtual, None, None, names)
            });
        }
        if let Some(b) = &d.kansai_branch {
            let p = checks::prob_or(
                self.src,
                f,
                d.kansai_branch_p.as_ref(),
                "kansai_branch_p",
                1.0,
            )?;
            let (class, names) = (
                m.class(&x.branch_class),
                ("Kansai branch office", "関西の地方支分部局"),
            );
            out.push(NodeSpec {
                exists_p: p,
                ..m.node("branch", NodeKind::Office, class, m.site(b), names)
            });
        } else if let Some(p) = &d.kansai_branch_p {
            return Err(self.err(
                sp(f, p),
                format!(
                    "ministry `{}` has kansai_branch_p but no kansai_branch",
                    d.id.get_ref()
                ),
                None,
            ));
        }
        Ok(())
    }
}
