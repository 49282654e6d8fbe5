import XMLKit

extension FakeQuickBooks {
    func query(_ rq: XElement, type: String) -> Reply {
        if let ref = rq.childText("RefNumber") {
            return found(rq, _transactions.filter { $0.type == type && $0.refNumber == ref }, type: type)
        }
        if let id = rq.childText("TxnID") {
            let matches = _transactions.filter { $0.type == type && $0.txnID == id }
            if matches.isEmpty {
                return reply(rq, code: 500, severity: "Warn", message: "The query request has not been fully completed. There was a required element (\"\(id)\") that could not be found in QuickBooks.")
            }
            return found(rq, matches, type: type)
        }
        if let range = rq.child("TxnDateRangeFilter") {
            let from = range.childText("FromTxnDate") ?? ""
            let to = range.childText("ToTxnDate") ?? "9999-12-31"
            return found(rq, _transactions.filter { $0.type == type && ($0.txnDate ?? "") >= from && ($0.txnDate ?? "") <= to }, type: type)
        }
        return listQuery(rq, type: type)
    }

    func found(_ rq: XElement, _ matches: [Transaction], type: String) -> Reply {
        if matches.isEmpty {
            return reply(rq, code: 1, severity: "Info", message: "A query request did not find a matching object in QuickBooks")
        }
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: matches.map(Self.ret))
    }

    func listQuery(_ rq: XElement, type: String) -> Reply {
        let names = rq.children("FullName").map(\.text)
        let ns = type == "Item" ? "item" : namespace(of: type)
        let candidates = _lists.filter { type == "Item" ? $0.type.hasPrefix("Item") : $0.type == type }
        if !names.isEmpty {
            var rets: [XElement] = []
            for name in names {
                guard let object = findList(ns, name), candidates.contains(object) else {
                    return reply(
                        rq, code: 500, severity: "Warn",
                        message: "The query request has not been fully completed. There was a required element (\"\(name)\") that could not be found in QuickBooks.")
                }
                rets.append(Self.ret(object))
            }
            return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: rets)
        }
        if candidates.isEmpty {
            return reply(rq, code: 1, severity: "Info", message: "A query request did not find a matching object in QuickBooks")
        }
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: candidates.map(Self.ret))
    }
}
