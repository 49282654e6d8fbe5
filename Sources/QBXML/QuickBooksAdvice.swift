/// QuickBooks' answers as sentences for people: what it said (its code and message) and what to do next.
public enum QuickBooksAdvice {
    /// A request QuickBooks refused: `QuickBooks refused it (status 3140): There is an invalid reference … What to
    /// do: create …`. `retry` is the command that sends the item again once the cause is fixed.
    public static func refusal(code: Int?, message: String?, retry: String) -> String {
        let said = message.map { " \($0.hasSuffix(".") ? $0 : $0 + ".")" } ?? ""
        let head = code.map { "QuickBooks refused it (status \($0)):\(said)" } ?? "QuickBooks refused it:\(said)"
        return head + " What to do: " + whatToDo(code: code, retry: retry)
    }

    static func whatToDo(code: Int?, retry: String) -> String {
        switch code {
        case 3100?:
            return "the name is already taken by another list entry (customers, vendors, employees and other names share one list). Rename one of them in QuickBooks, or use another name in the mapping or document, then run \(retry)."
        case 3140?:
            return "a customer, item, account or other list entry it refers to does not exist in QuickBooks. Create it there (or correct the name in the mapping or document), then run \(retry)."
        case 3120?:
            return "the record it names is not in QuickBooks (it may have been deleted there). Check the company file; if the record is gone, cancel this item with qblink queue cancel."
        case 3170?, 3175?, 3176?, 3180?:
            return "QuickBooks could not save it, most often because the record is open in a window or being changed by another user. Close that window (or wait for the other user), then run \(retry)."
        case 3200?:
            return "the record was changed in QuickBooks after it was read. Run \(retry) to send it against the current version."
        case 3210?:
            return "a field has a value QuickBooks will not take (the message names it). Correct it in the report, mapping or document and enqueue it again."
        case 3250?:
            return "this QuickBooks edition lacks the feature, or it is turned off in Edit > Preferences. Turn it on, or post without it."
        case 3260?, 3261?:
            return "the QuickBooks user or qblink itself lacks permission. In QuickBooks, Edit > Preferences > Integrated Applications > Company Preferences, allow qblink (and log in as an administrator), then run \(retry)."
        case 1000?, 1010?:
            return "QuickBooks had an internal problem. Run \(retry); if it happens again, look in QuickBooks' qbsdklog.txt."
        case let code? where (3000..<3100).contains(code):
            return "a value in it is malformed (an ID, a date, an amount). Correct it in the report, mapping or document and enqueue it again."
        default:
            return "read QuickBooks' message above; once the cause is fixed in QuickBooks or in what was enqueued, run \(retry)."
        }
    }

    /// A whole request message QuickBooks (or the Web Connector) rejected, by its HRESULT.
    public static func rejection(hresult: String, message: String?) -> String {
        let said = message.map { " \($0.hasSuffix(".") ? $0 : $0 + ".")" } ?? ""
        let head = "QuickBooks rejected the whole message (\(hresult)):\(said) What to do: "
        switch hresult.lowercased() {
        case "0x80040400":
            return head + "it could not read the qbXML (elements out of order, or not valid for this QuickBooks version). Its requests stay in doubt and are looked up next time; if it happens again, report the qbXML shown here to qblink's maintainers."
        case "0x80040401":
            return head + "the Web Connector could not reach QuickBooks. Check that QuickBooks is running with the company file open, then run Update Selected again."
        case "0x80040408":
            return head + "QuickBooks could not be started. Open QuickBooks with the company file and log in, then run Update Selected again."
        case "0x80040402":
            return head + "QuickBooks had an unexpected error. Look in its qbsdklog.txt, then run Update Selected again."
        default:
            return head + "check that QuickBooks is open on the right company file, then run Update Selected again; the requests are looked up before anything is sent twice."
        }
    }
}
