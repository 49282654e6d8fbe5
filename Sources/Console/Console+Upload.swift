import COpenSSL
import Foundation
import Hummingbird
import MultipartKit
import Settlement
import Store

extension Console {
    /// The most an uploaded report may hold (Amazon's are a few MB).
    static let maxUpload = 32 << 20

    func uploadPage(_ session: ConsoleSession, message: String? = nil) -> Response {
        var parts: [Markup] = []
        if let message { parts.append(Markup.el("p", [("class", "warn")], text: message)) }
        parts.append(Markup.el("p", text: "A settlement report downloaded from Seller Central (the flat file, V2 or V1). It is previewed first; nothing is queued until you enqueue it from its page."))
        parts.append(Markup.el("form", [("method", "post"), ("action", "/console/upload"), ("enctype", "multipart/form-data")], [
            ConsolePage.csrfField(session.csrf),
            Markup.el("p", [], [Markup.void("input", [("type", "file"), ("name", "report"), ("required", ""), ("accept", ".txt,.tsv,text/plain")])]),
            Markup.el("p", [], [Markup.el("button", [("type", "submit")], text: "Upload and preview")]),
        ]))
        return Self.html(ConsolePage.render(title: "Upload a settlement report", session: session, body: Markup.join(parts)))
    }

    struct UploadForm: Decodable {
        var csrf: String
        var report: Data
    }

    /// Keeps an uploaded report (once per settlement) and shows its page, with the preview and the enqueue form.
    func upload(_ request: Request) async throws -> Response {
        guard let (session, _) = await auth.session(request) else { return Self.forbidden }
        guard let type = request.headers[.contentType], let boundary = Self.boundary(type) else { return Self.forbidden }
        let form: UploadForm
        do {
            form = try FormDataDecoder().decode(UploadForm.self, from: try await request.body.collect(upTo: Self.maxUpload), boundary: boundary)
        } catch {
            return uploadPage(session, message: "The upload could not be read (\(error)); choose the report file and try again (at most 32 MB).")
        }
        guard ConsoleAuth.same(form.csrf, session.csrf) else { return Self.forbidden }
        let bytes = Array(form.report)
        let summary: SettlementSummary
        do {
            summary = try Settlement.summarize(bytes, source: "upload", mapping: .standard)
        } catch {
            return uploadPage(session, message: "This is not a settlement report qblink can read: line \(error.line): \(error.message)")
        }
        let h = summary.header
        let kept = FetchedReport(
            account: "upload", reportID: "upload-" + ConsoleAuth.sha256(String(decoding: bytes, as: UTF8.self)).prefix(16), documentID: "",
            settlementID: h.settlementID, periodStart: h.start?.description, periodEnd: h.end?.description, marketplace: h.marketplace,
            totalCents: h.totalCents, currency: h.currency, createdTime: nil, fetchedAt: Date(), charset: nil, compressed: false, bytes: bytes)
        let isNew = try await store.keepFetchedReport(kept) != nil
        try await record(session, isNew ? "upload" : "upload (already had)", "settlement \(h.settlementID)", "\(bytes.count) bytes")
        return Self.redirect("/console/settlements/\(h.settlementID)")
    }

    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }
}
