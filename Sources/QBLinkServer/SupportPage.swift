import XMLKit

/// The .qwc's AppSupport page: the Web Connector checks that it answers 200.
enum SupportPage {
    static func html(serverVersion: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>qblink support</title></head>
        <body>
        <h1>qblink</h1>
        <p>This is the QuickBooks Web Connector endpoint of \(XMLEscape.text(serverVersion)).</p>
        <p>If a sync failed, ask the operator to run <code>qblink log</code> on the server: it shows every session,
        every request sent to QuickBooks and QuickBooks' answer. Failed requests can be retried with
        <code>qblink queue retry ID</code>.</p>
        </body></html>

        """
    }
}
