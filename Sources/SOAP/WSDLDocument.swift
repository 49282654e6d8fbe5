import XMLKit

/// The service description published at `GET /qbwc?wsdl`, generated from `SOAPMethod` so that it can never
/// disagree with what the codec accepts. `wsdl/QBWebConnectorSvc.wsdl` is this text, checked by a test.
public enum WSDLDocument {
    public static func text(endpoint: String = "http://localhost:8080/qbwc") -> String {
        types() + messages() + portType() + binding() + service(endpoint: endpoint)
    }

    /// The request and response elements of every method.
    static func types() -> String {
        var out = """
            <?xml version="1.0" encoding="utf-8"?>
            <wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="http://developer.intuit.com/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="http://developer.intuit.com/">
              <wsdl:documentation>qblink: the QuickBooks Web Connector service (SOAP 1.1, document/literal). The Web Connector polls it; qblink answers with queued qbXML requests and records QuickBooks' responses.</wsdl:documentation>
              <wsdl:types>
                <s:schema elementFormDefault="qualified" targetNamespace="http://developer.intuit.com/">

            """
        for method in SOAPMethod.allCases {
            let name = method.rawValue
            if method.parameters.isEmpty {
                out += "      <s:element name=\"\(name)\">\n        <s:complexType />\n      </s:element>\n"
            } else {
                out += "      <s:element name=\"\(name)\">\n        <s:complexType>\n          <s:sequence>\n"
                for parameter in method.parameters {
                    let type = parameter.hasPrefix("qbXML") && parameter.hasSuffix("Vers") ? "s:int" : "s:string"
                    let minOccurs = type == "s:int" ? "1" : "0"
                    out += "            <s:element minOccurs=\"\(minOccurs)\" maxOccurs=\"1\" name=\"\(parameter)\" type=\"\(type)\" />\n"
                }
                out += "          </s:sequence>\n        </s:complexType>\n      </s:element>\n"
            }
            let resultMin = method.resultType == "s:int" ? "1" : "0"
            out += "      <s:element name=\"\(name)Response\">\n        <s:complexType>\n          <s:sequence>\n"
            out += "            <s:element minOccurs=\"\(resultMin)\" maxOccurs=\"1\" name=\"\(name)Result\" type=\"\(method.resultType)\" />\n"
            out += "          </s:sequence>\n        </s:complexType>\n      </s:element>\n"
        }
        out += """
                  <s:complexType name="ArrayOfString">
                    <s:sequence>
                      <s:element minOccurs="0" maxOccurs="unbounded" name="string" nillable="true" type="s:string" />
                    </s:sequence>
                  </s:complexType>
                </s:schema>
              </wsdl:types>

            """
        return out
    }

    static func messages() -> String {
        var out = ""
        for method in SOAPMethod.allCases {
            let name = method.rawValue
            out += "  <wsdl:message name=\"\(name)SoapIn\">\n    <wsdl:part name=\"parameters\" element=\"tns:\(name)\" />\n  </wsdl:message>\n"
            out += "  <wsdl:message name=\"\(name)SoapOut\">\n    <wsdl:part name=\"parameters\" element=\"tns:\(name)Response\" />\n  </wsdl:message>\n"
        }
        return out
    }

    static func portType() -> String {
        var out = "  <wsdl:portType name=\"QBWebConnectorSvcSoap\">\n"
        for method in SOAPMethod.allCases {
            let name = method.rawValue
            out += "    <wsdl:operation name=\"\(name)\">\n"
            out += "      <wsdl:input message=\"tns:\(name)SoapIn\" />\n      <wsdl:output message=\"tns:\(name)SoapOut\" />\n"
            out += "    </wsdl:operation>\n"
        }
        return out + "  </wsdl:portType>\n"
    }

    static func binding() -> String {
        var out = "  <wsdl:binding name=\"QBWebConnectorSvcSoap\" type=\"tns:QBWebConnectorSvcSoap\">\n"
        out += "    <soap:binding transport=\"http://schemas.xmlsoap.org/soap/http\" />\n"
        for method in SOAPMethod.allCases {
            let name = method.rawValue
            out += "    <wsdl:operation name=\"\(name)\">\n"
            out += "      <soap:operation soapAction=\"http://developer.intuit.com/\(name)\" style=\"document\" />\n"
            out += "      <wsdl:input>\n        <soap:body use=\"literal\" />\n      </wsdl:input>\n"
            out += "      <wsdl:output>\n        <soap:body use=\"literal\" />\n      </wsdl:output>\n"
            out += "    </wsdl:operation>\n"
        }
        return out + "  </wsdl:binding>\n"
    }

    static func service(endpoint: String) -> String {
        var out = "  <wsdl:service name=\"QBWebConnectorSvc\">\n"
        out += "    <wsdl:port name=\"QBWebConnectorSvcSoap\" binding=\"tns:QBWebConnectorSvcSoap\">\n"
        out += "      <soap:address location=\"\(XMLEscape.attribute(endpoint))\" />\n"
        out += "    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>\n"
        return out
    }
}
