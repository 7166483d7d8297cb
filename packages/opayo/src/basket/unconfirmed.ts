// What no public source we could read confirms about Opayo's BasketXML, kept in one place so a
// user with a sandbox can check it (docs/receiving-opayo-events.md, "Baskets").

/**
 * Delivery elements of `<basket>`: Opayo's BasketXML schema is said to carry the delivery charge
 * as `<deliveryNetAmount>`, `<deliveryTaxAmount>` and `<deliveryGrossAmount>` after the items.
 * omnipay-sagepay (src/Message/AbstractRequest.php getItemData) never writes them, so the names
 * are UNCONFIRMED; the parser reads them when present and ignores nothing else silently.
 */
export const BASKET_XML_DELIVERY_ELEMENTS = {
  net: 'deliveryNetAmount',
  tax: 'deliveryTaxAmount',
  gross: 'deliveryGrossAmount',
} as const
