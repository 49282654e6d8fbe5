import Foundation

/// A public page (the support page, the metrics) as last rendered, kept `lifetime` seconds: an
/// unauthenticated caller costs one database read per `lifetime` at most.
actor PageCache {
    let lifetime: TimeInterval
    private var page: (html: String, at: Date)?

    init(lifetime: TimeInterval = 10) {
        self.lifetime = lifetime
    }

    func page(render: () async throws -> String) async -> String {
        if let page, Date().timeIntervalSince(page.at) < lifetime { return page.html }
        let html: String
        do {
            html = try await render()
        } catch {
            html = "<!DOCTYPE html><html lang=\"en\"><body><p>qblink is running; its database does not answer just now.</p></body></html>\n"
        }
        page = (html, Date())
        return html
    }
}
