//! The OpenAPI 3.1 document of /api, written out by hand (small, and it keeps the handlers free of
//! macros); a test checks it names every route of [`crate::ROUTES`] and that every `$ref`
//! resolves.

use serde_json::{json, Value};

fn ok(desc: &str, schema: Value) -> Value {
    json!({"200": {"description": desc, "content": {"application/json": {"schema": schema}}},
           "401": {"$ref": "#/components/responses/Unauthorized"}})
}

fn year_param() -> Value {
    json!({"name": "year", "in": "query", "required": false, "schema": {"type": "integer"}, "description": "school year (2024 = 2024–25); default the latest"})
}

fn id_param(desc: &str, ty: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": ty}, "description": desc})
}

/// The document.
pub fn document() -> Value {
    let obj = json!({"type": "object"});
    let mut doc = json!({
      "openapi": "3.1.0",
      "info": {"title": "eduplan API", "version": env!("CARGO_PKG_VERSION"),
               "description": "Education planning and supervision for county bureaus. All routes except login need `Authorization: Bearer <token>`."},
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
              "code": {"type": "string"}, "message_zh": {"type": "string"}, "message_en": {"type": "string"}}}}},
          "User": {"type": "object", "properties": {"username": {"type": "string"}, "display_name": {"type": "string"},
              "role": {"type": "string", "enum": ["admin", "planner", "supervisor", "finance", "personnel", "school", "public"]},
              "scope_kind": {"type": "string", "enum": ["all", "region", "school"]}, "scope": {"type": "string"}}},
          "Issue": {"type": "object", "properties": {"file": {"type": "string"}, "sheet": {"type": "string"},
              "row": {"type": ["integer", "null"]}, "column": {"type": "string"}, "value": {"type": "string"},
              "message_zh": {"type": "string"}, "message_en": {"type": "string"}}},
          "CustomIndicator": {"type": "object", "required": ["code", "name", "numerator"], "properties": {"code": {"type": "string"}, "name": {"type": "string"},
              "name_en": {"type": "string"}, "unit": {"type": "string"}, "scale": {"type": "number"}, "numerator": {"type": "string"}, "denominator": {"type": "string"}}},
          "Figure": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "scope": {"type": "string"},
              "level": {"type": "string"}, "year": {"type": "integer"}, "stage": {"type": "string"}, "value": {"type": ["number", "null"]},
              "unit": {"type": "string"}, "numerator": {"type": ["number", "null"]}, "denominator": {"type": ["number", "null"]},
              "status": {"type": "string", "enum": ["ok", "unavailable"]}, "reason": {"type": ["string", "null"]}}},
          "YearDiff": {"type": "object", "properties": {"year": {"type": "integer"}, "previous_version": {"type": ["integer", "null"]},
              "schools_added": {"type": "array"}, "schools_removed": {"type": "array"}, "schools_changed": {"type": "array"},
              "sheets": {"type": "array"}, "figures": {"type": "array"}}}
        },
        "responses": {"Unauthorized": {"description": "not logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
      },
      "security": [{"bearer": []}],
      "paths": {
        "/api/auth/login": {"post": {"summary": "log in (登录)", "security": [],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
            "responses": ok("a session token and the user", json!({"type": "object", "properties": {"token": {"type": "string"}, "user": {"$ref": "#/components/schemas/User"}}}))}},
        "/api/auth/logout": {"post": {"summary": "end the session", "responses": ok("done", obj.clone())}},
        "/api/me": {"get": {"summary": "the logged-in user", "responses": ok("user", json!({"$ref": "#/components/schemas/User"}))}},
        "/api/meta": {"get": {"summary": "years, regions in scope, school types", "responses": ok("meta", obj.clone())}},
        "/api/overview": {"get": {"summary": "key figures of a year (总览)", "parameters": [year_param(),
            {"name": "region", "in": "query", "required": false, "schema": {"type": "string"}}], "responses": ok("overview", obj.clone())}},
        "/api/schools": {"get": {"summary": "school list with filters (学校)", "parameters": [year_param(),
            {"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "type", "in": "query", "schema": {"type": "string"}},
            {"name": "region", "in": "query", "schema": {"type": "string"}}, {"name": "urban_rural", "in": "query", "schema": {"type": "string"}},
            {"name": "ownership", "in": "query", "schema": {"type": "string"}}], "responses": ok("schools", obj.clone())}},
        "/api/schools/{id}": {"get": {"summary": "one school: grades, classes, staff, conditions, history", "parameters": [id_param("学校标识码", "string"), year_param()],
            "responses": ok("school", obj.clone())}},
        "/api/imports": {"post": {"summary": "upload and check a workbook (.xlsx, .csv, .zip); nothing is written",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": ok("validation report and diff", json!({"type": "object", "properties": {"id": {"type": "string"}, "ok": {"type": "boolean"},
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}}, "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}},
                "years": {"type": "array", "items": {"type": "integer"}}, "diff": {"type": "array", "items": {"$ref": "#/components/schemas/YearDiff"}}}}))}},
        "/api/imports/{id}/apply": {"post": {"summary": "apply a checked upload: new versions of its years, in one transaction",
            "parameters": [id_param("upload id", "string")], "responses": ok("versions written", obj.clone())}},
        "/api/versions": {"get": {"summary": "version history of every school year", "responses": ok("versions", obj.clone())}},
        "/api/versions/{id}/diff": {"get": {"summary": "what a version changed against the one before", "parameters": [id_param("version id", "integer")],
            "responses": ok("diff", json!({"$ref": "#/components/schemas/YearDiff"}))}},
        "/api/template": {"get": {"summary": "the empty interchange workbook", "responses": {"200": {"description": "xlsx"}}}},
        "/api/export": {"get": {"summary": "a school year as an interchange workbook", "parameters": [year_param()], "responses": {"200": {"description": "xlsx"}}}},
        "/api/indicators": {"get": {"summary": "catalogue indicators (指标) of a year in the user's scope, with numerators and denominators",
            "parameters": [year_param(), {"name": "region", "in": "query", "schema": {"type": "string"}},
                {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["school", "township", "county", "city", "province", "all"]}},
                {"name": "codes", "in": "query", "schema": {"type": "string"}, "description": "comma-separated indicator codes or aliases (GER, NER …)"}],
            "responses": ok("figures", json!({"type": "object", "properties": {"year": {"type": "integer"}, "years": {"type": "array"}, "catalogue": {"type": "array"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Figure"}}}}))}},
        "/api/indicators/export": {"get": {"summary": "the same figures as an Excel workbook",
            "parameters": [year_param(), {"name": "region", "in": "query", "schema": {"type": "string"}}, {"name": "level", "in": "query", "schema": {"type": "string"}},
                {"name": "codes", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "xlsx"}}}},
        "/api/indicators/custom": {
            "get": {"summary": "user-defined indicators (自定义指标) and the data elements formulas may name", "responses": ok("custom indicators", obj.clone())},
            "post": {"summary": "define an indicator from two formulas (administrators, planning section); 400 points at the bad token",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CustomIndicator"}}}},
                "responses": {"201": {"description": "saved"}, "400": {"description": "formula error with error.position {side, start, end, token}"}, "409": {"description": "code taken"}}}},
        "/api/indicators/custom/check": {"post": {"summary": "check formulas without saving",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"numerator": {"type": "string"}, "denominator": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok, with the stage"}, "400": {"description": "formula error with error.position"}}}},
        "/api/indicators/custom/{code}": {"delete": {"summary": "delete a user-defined indicator (audited with its formulas)",
            "parameters": [id_param("indicator code", "string")], "responses": {"204": {"description": "deleted"}}}},
        "/api/assess/{method}": {"get": {"summary": "a supervision assessment (督导评估): balance-quality, balance-basic, preschool or class-size, of a county; `findings` links each open finding of earlier years to whether its problem is gone",
            "parameters": [id_param("method", "string"), year_param(), {"name": "region", "in": "query", "schema": {"type": "string"}}],
            "responses": ok("assessment", obj.clone())}},
        "/api/regions/geo": {"get": {"summary": "township boundaries as a GeoJSON FeatureCollection (empty when the data has none)",
            "responses": ok("GeoJSON", obj.clone())}},
        "/api/audit": {"get": {"summary": "the audit log (administrators)", "responses": ok("audit records", obj.clone())}},
        "/api/openapi.json": {"get": {"summary": "this document", "security": [], "responses": {"200": {"description": "OpenAPI"}}}}
      }
    });
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), findings_paths(&obj)) {
        paths.extend(more);
    }
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), layout_paths(&obj)) {
        paths.extend(more);
    }
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), report_paths()) {
        paths.extend(more);
    }
    doc
}

/// The report downloads (Word and PDF).
fn report_paths() -> Value {
    json!({
        "/api/assess/{method}/docx": {"get": {"summary": "the self-assessment report (自评报告) as Word",
            "parameters": [{"name": "method", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "region", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": ".docx"}}}},
        "/api/assess/{method}/pdf": {"get": {"summary": "the self-assessment report (自评报告) as PDF (typeset with the server's Chinese fonts; 503 says how to get one when none is found)",
            "parameters": [{"name": "method", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "region", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": ".pdf"}, "503": {"description": "no Chinese font on the server"}}}},
        "/api/plans/report": {"get": {"summary": "the annual monitoring report (年度规划实施监测报告) of the current plans, as Word or PDF",
            "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["docx", "pdf"], "default": "docx"}}],
            "responses": {"200": {"description": ".docx or .pdf"}, "503": {"description": "PDF asked and no Chinese font on the server"}}}}
    })
}

/// The findings routes (a separate `json!` keeps the macro within its recursion limit).
fn findings_paths(obj: &Value) -> Value {
    json!({
        "/api/assess/{method}/xlsx": {"get": {"summary": "the assessment's tables as Excel",
            "parameters": [{"name": "method", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "region", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": ".xlsx"}}}},
        "/api/assess/{method}/evidence": {"post": {"summary": "record an item's on-site result (现场核查) with its evidence file (supervision office); multipart fields year, region, code, passed, note, file",
            "parameters": [{"name": "method", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok("{id, code, passed, note, file, scope, year}", obj.clone())}},
        "/api/evidence/{id}": {"get": {"summary": "the evidence file of an on-site result",
            "parameters": [id_param("evidence id", "integer")], "responses": {"200": {"description": "the file"}}}},
        "/api/plans": {"get": {"summary": "plans (规划), every version, newest first", "responses": ok("{plans}", obj.clone())},
            "post": {"summary": "import a plan workbook (指标目标, 项目, 资金) as a new version (admin, planner); multipart file, name, issuer, region, period_start, period_end, doc; 400 with located errors",
                "responses": ok("plan", obj.clone())}},
        "/api/plans/{id}": {"get": {"summary": "a plan version with targets, projects and funds", "parameters": [id_param("plan id", "integer")], "responses": ok("plan", obj.clone())}},
        "/api/plans/{id}/targets/{row}/review": {"post": {"summary": "review an extracted target of a draft plan: accept, reject, or edit (fields indicator, target_value, target_year, cmp, unit, kind, scope, base_year, base_value); audited",
            "parameters": [id_param("plan id", "integer"), {"name": "row", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["accept", "reject", "edit"]}}}}}},
            "responses": ok("ok", obj.clone())}},
        "/api/plans/{id}/publish": {"post": {"summary": "publish a reviewed draft plan (unreviewed targets count as accepted)", "parameters": [id_param("plan id", "integer")], "responses": ok("plan", obj.clone())}},
        "/api/plans/{id}/status": {"get": {"summary": "the plan's targets tracked in a year: actual, expected (straight path from baseline), status 已达成/按进度/滞后/预警; history=true adds every year",
            "parameters": [id_param("plan id", "integer"), {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "history", "in": "query", "schema": {"type": "boolean"}}],
            "responses": ok("{counts, targets}", obj.clone())}},
        "/api/plans/{id}/actuals": {"post": {"summary": "a target's actual entered by hand, with its evidence note (admin, planner)", "parameters": [id_param("plan id", "integer")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["indicator", "year", "value", "note"], "properties": {
                "indicator": {"type": "string"}, "year": {"type": "integer"}, "value": {"type": "number"}, "note": {"type": "string"}}}}}},
            "responses": ok("the entry", obj.clone())}},
        "/api/projections": {"get": {"summary": "projections (预测) by scope, year and stage: school_age_pop, enrolled, classes_needed, places, place_gap, spare, big_classes, teachers_needed, teachers_available, recruitment, cost (万元); with population by single age of every township",
            "parameters": [{"name": "scenario", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "integer"}}, {"name": "to", "in": "query", "schema": {"type": "integer"}},
                {"name": "region", "in": "query", "schema": {"type": "string"}}, {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["all", "county", "township", "school"]}}],
            "responses": ok("{base_year, from, to, scenario, rows, population, warnings}", obj.clone())}},
        "/api/projections/xlsx": {"get": {"summary": "the projection rows as Excel (same parameters)", "responses": {"200": {"description": ".xlsx"}}}},
        "/api/projections/reach": {"get": {"summary": "every current plan target linked to a projectable indicator: projected value in the target year and whether it is reached",
            "parameters": [{"name": "scenario", "in": "query", "schema": {"type": "string"}}], "responses": ok("[{plan, target, indicator, scope, target_year, target_value, cmp, projected, reached, reason}]", obj.clone())}},
        "/api/projections/backtest": {"get": {"summary": "project from an earlier base year with the data up to it and compare with the recorded years: MAPE by measure, stage, level and horizon",
            "parameters": [{"name": "base", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "to", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "scenario", "in": "query", "schema": {"type": "string"}}],
            "responses": ok("{base, to, rows: [{measure, stage, level, horizon, mape, n}]}", obj.clone())}},
        "/api/layout": {"get": {"summary": "school network plan (布局规划) for a stage and projection year: demand grid from the projected children, existing schools and candidate sites, capacitated p-median, zones (GeoJSON) and before/after figures",
            "parameters": [{"name": "stage", "in": "query", "schema": {"type": "string"}}, {"name": "year", "in": "query", "schema": {"type": "integer"}}, {"name": "scenario", "in": "query", "schema": {"type": "string"}},
                {"name": "region", "in": "query", "schema": {"type": "string"}}, {"name": "add", "in": "query", "schema": {"type": "integer"}}, {"name": "max_km", "in": "query", "schema": {"type": "number"}},
                {"name": "allow_close", "in": "query", "schema": {"type": "boolean"}}, {"name": "objective", "in": "query", "schema": {"type": "string", "enum": ["capacitated", "pmedian", "pcenter", "mclp", "lscp"]}, "description": "capacitated: total child-km with places respected; pmedian: total child-km; pcenter: the farthest child's distance; mclp: most children within max_km; lscp: fewest schools with every child within max_km"},
                {"name": "exclude", "in": "query", "schema": {"type": "string"}}, {"name": "grid_km", "in": "query", "schema": {"type": "number"}},
                {"name": "candidates", "in": "query", "schema": {"type": "string", "enum": ["auto", "user", "grid", "both"]}, "description": "the user's sites (候选校址), a generated grid, or both; auto = the user's if any"},
                {"name": "demand", "in": "query", "schema": {"type": "string", "enum": ["auto", "grid"]}, "description": "auto = the user's villages where a township has any"},
                {"name": "expand", "in": "query", "schema": {"type": "integer"}, "description": "expansion steps (扩建) an existing school may take"},
                {"name": "expand_classes", "in": "query", "schema": {"type": "number"}}, {"name": "expand_km", "in": "query", "schema": {"type": "number"}},
                {"name": "enforce_max", "in": "query", "schema": {"type": "boolean"}}, {"name": "add_km", "in": "query", "schema": {"type": "number"}, "description": "without add: the plan chooses how many new schools, a new place costing this many child-km"}, {"name": "roads", "in": "query", "schema": {"type": "boolean"}, "description": "road distances (server started with --roads)"}, {"name": "exact", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 600}, "description": "prove or improve the plan with the MIP (HiGHS) for at most this many seconds; servers built without the highs feature answer 400 (the answer's exact_available says which)"}],
            "responses": ok("{stage, year, sites, demand, zones, before, after, solution, expanded, added_places, warnings, params}", obj.clone())}},
        "/api/scenarios": {"get": {"summary": "projection scenarios: the built-in 基准 and the saved ones, with every parameter", "responses": ok("[scenario]", obj.clone())}},
        "/api/scenarios/{name}": {
            "put": {"summary": "save a scenario's parameters under a name (planning section, admin); unknown fields and bad values are 400 naming the field; audited",
                "parameters": [json!({"name": "name", "in": "path", "required": true, "schema": {"type": "string"}, "description": "scenario name"})], "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}, "responses": ok("the scenario", obj.clone())},
            "delete": {"summary": "delete a saved scenario (audited with its parameters)", "parameters": [json!({"name": "name", "in": "path", "required": true, "schema": {"type": "string"}, "description": "scenario name"})], "responses": {"204": {"description": "deleted"}}}},
        "/api/findings": {"get": {"summary": "findings (督导问题) the user sees, with counts by state and overdue (逾期)",
            "parameters": [year_param(), {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["open", "in_progress", "pending_review", "closed"]}},
                           {"name": "method", "in": "query", "schema": {"type": "string"}}, {"name": "overdue", "in": "query", "schema": {"type": "boolean"}}],
            "responses": ok("{today, counts, findings}", obj.clone())}},
        "/api/findings/generate": {"post": {"summary": "turn every problem of an assessment into a finding (supervision office); one open finding per problem",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["method", "year", "deadline"], "properties": {
                "method": {"type": "string"}, "year": {"type": "integer"}, "region": {"type": "string"}, "deadline": {"type": "string", "format": "date"}, "responsible": {"type": "string"}}}}}},
            "responses": ok("{problems, created, skipped}", obj.clone())}},
        "/api/findings/check": {"post": {"summary": "check open findings of earlier years against this year's assessment; records gone / still there",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["method", "year"], "properties": {
                "method": {"type": "string"}, "year": {"type": "integer"}, "region": {"type": "string"}}}}}},
            "responses": ok("{checked: [{id, gone}]}", obj.clone())}},
        "/api/findings/{id}": {"get": {"summary": "a finding with its history (events), evidence files and the actions open to this user",
            "parameters": [id_param("finding id", "integer")], "responses": ok("finding", obj.clone())}},
        "/api/findings/{id}/act": {"post": {"summary": "workflow step: start (待整改→整改中), submit (→待复查, text required), close (→已销号), reject (→整改中, text required); 409 when the state does not allow it, 403 when the user may not",
            "parameters": [id_param("finding id", "integer")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["action"], "properties": {"action": {"type": "string"}, "text": {"type": "string"}}}}}},
            "responses": ok("finding", obj.clone())}},
        "/api/findings/{id}/comment": {"post": {"summary": "add a comment", "parameters": [id_param("finding id", "integer")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}}}}}}, "responses": ok("ok", obj.clone())}},
        "/api/findings/{id}/escalate": {"post": {"summary": "record 约谈 (interview), 通报 (notice) or 问责 (accountability)", "parameters": [id_param("finding id", "integer")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["escalation"], "properties": {"escalation": {"type": "string"}, "text": {"type": "string"}}}}}},
            "responses": ok("finding", obj.clone())}},
        "/api/findings/{id}/deadline": {"post": {"summary": "change the deadline (supervision office), with a reason", "parameters": [id_param("finding id", "integer")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["deadline"], "properties": {"deadline": {"type": "string", "format": "date"}, "reason": {"type": "string"}}}}}},
            "responses": ok("finding", obj.clone())}},
        "/api/findings/{id}/attachments": {"post": {"summary": "upload an evidence file (佐证材料), multipart field `file`", "parameters": [id_param("finding id", "integer")],
            "responses": ok("{id, name, size, mime}", obj.clone())}},
        "/api/findings/{id}/attachments/{aid}": {"get": {"summary": "download an evidence file",
            "parameters": [id_param("finding id", "integer"), {"name": "aid", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "the file"}}}}
    })
}

/// The network-planning points routes.
fn layout_paths(obj: &Value) -> Value {
    json!({
        "/api/layout/points": {
            "get": {"summary": "the county's candidate sites (候选校址) and villages (村庄/社区) for network planning", "parameters": [{"name": "region", "in": "query", "schema": {"type": "string"}}], "responses": ok("{region, points: [{county, kind, id, name, lon, lat, stage, capacity, cost, weight, note}]}", obj.clone())},
            "post": {"summary": "add or change one point (planning section, admin; audited); an empty id gets the next S<n>/V<n>", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}, "responses": ok("the point", obj.clone())}},
        "/api/layout/points/import": {"post": {"summary": "import points from CSV (UTF-8/GBK) or Excel: 编号, 名称, 类型, 经度, 纬度, 学段, 学位, 造价(万元), 人口, 备注; all or nothing, errors located by file, row and column",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "kind": {"type": "string"}, "replace": {"type": "boolean"}, "region": {"type": "string"}}}}}},
            "responses": ok("{region, file_name, saved, deleted, sites, villages}", obj.clone())}},
        "/api/layout/points/{kind}/{id}": {"delete": {"summary": "delete a point (audited)", "parameters": [json!({"name": "kind", "in": "path", "required": true, "schema": {"type": "string"}}), json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}), json!({"name": "region", "in": "query", "schema": {"type": "string"}})], "responses": {"204": {"description": "deleted"}}}}
    })
}
