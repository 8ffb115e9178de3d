/** The errors of the edXML intake (`POST /edxml/messages`); the message's own elements answer as DocumentInputError codes. */
export enum EdxmlErrorCode {
  /** The caller is no connector (an API key with the connector role). */
  EDXML_CONNECTOR_REQUIRED = 'EDXML_CONNECTOR_REQUIRED',
  /** No unit the connector acts for is named (To for a document, From for a status): the same answer as none at all. */
  EDXML_UNIT_NOT_FOUND = 'EDXML_UNIT_NOT_FOUND',
  /** The status answers no routing node the connector may act for: the same answer as none at all. */
  EDXML_NODE_NOT_FOUND = 'EDXML_NODE_NOT_FOUND',
  /** The message id was used before for another message. */
  EDXML_MESSAGE_ID_REUSED = 'EDXML_MESSAGE_ID_REUSED',
}
