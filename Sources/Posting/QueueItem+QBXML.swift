import QBXML
import Store

extension QueueItem {
    /// A queue item for a qbXML request, with the lookup that resolves it if its response is lost.
    init(_ request: QBXMLRequest, source: String?, label: String? = nil) {
        self.init(
            type: request.type, body: request.body, refNumber: request.refNumber,
            lookupBody: InDoubtLookup.plan(forRequestBody: request.body)?.queryRequestBody,
            minVersion: request.minimumVersion?.description, source: source, label: label)
    }
}
