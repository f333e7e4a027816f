import FluentKit
import Foundation
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/openapi.json`. A test fails when a registered API
/// route is missing here, so the document and the routes cannot drift apart. Every constraint written here
/// (ranges, lengths, enums, required fields) is enforced by the server, and every answer the server can give is
/// listed: the error answers every operation shares are added by `document` rather than repeated by hand.
enum OpenAPIDocument {
    static let base = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Akinai API",
            "version": "1.0.0",
            "description": "Multi-tenant back office for Japanese online shops. Every request acts for the tenant and user of its Bearer token, within the token's scopes. Errors are JSON: {\"error\": {\"code\", \"message\", \"field\"?}}; 401 carries WWW-Authenticate: Bearer, 405 an Allow header, 429 a Retry-After."
          },
          "servers": [{ "url": "/" }],
          "security": [{ "bearer": [] }],
          "paths": {
            "/api/v1/products": {
              "get": {
                "operationId": "listProducts", "summary": "Products with their SKUs, searched, sorted and paginated",
                "parameters": [
                  { "name": "q", "in": "query", "description": "Part of the code or name (the first 100 characters count; % and _ match themselves)", "schema": { "type": "string" } },
                  { "$ref": "#/components/parameters/page" },
                  { "$ref": "#/components/parameters/perPage" },
                  { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["code", "name", "-created"] } }
                ],
                "responses": { "200": { "description": "A page of products", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProductPage" } } } } }
              },
              "post": {
                "operationId": "createProduct", "summary": "Create a product with its SKUs, set compositions and channel listings",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProductInput" } } } },
                "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Product" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/products/import": {
              "post": {
                "operationId": "importProducts", "summary": "Create or update the master from CSV (UTF-8 or CP932); nothing applies unless every row is valid",
                "parameters": [{ "name": "dryRun", "in": "query", "schema": { "type": "boolean" } }],
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string", "minLength": 1 } } } },
                "responses": {
                  "200": { "description": "The report: rows, created, updated, applied", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportReport" } } } },
                  "422": { "description": "Every error with line, column and reason; nothing applied", "content": { "application/json": { "schema": { "oneOf": [{ "$ref": "#/components/schemas/ImportReport" }, { "$ref": "#/components/schemas/Error" }] } } } }
                }
              }
            },
            "/api/v1/products/export": {
              "get": {
                "operationId": "exportProducts", "summary": "The master as CSV in the columns the import reads (CP932; encoding=utf8 for UTF-8)",
                "parameters": [{ "name": "encoding", "in": "query", "schema": { "type": "string", "enum": ["cp932", "utf8"] } }, { "name": "replace", "in": "query", "description": "1: write 〓 for characters CP932 cannot hold instead of refusing (422 names each record, column and character)", "schema": { "type": "string", "enum": ["0", "1"] } }],
                "responses": { "200": { "description": "CSV", "content": { "text/csv": { "schema": { "type": "string" } } } } }
              }
            },
            "/api/v1/skus": {
              "get": {
                "operationId": "listSKUs", "summary": "SKUs with available stock; q matches code, variant or JAN",
                "parameters": [
                  { "name": "q", "in": "query", "schema": { "type": "string" } },
                  { "$ref": "#/components/parameters/page" },
                  { "$ref": "#/components/parameters/perPage" },
                  { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["code"] } }
                ],
                "responses": { "200": { "description": "A page of SKUs", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SKUPage" } } } } }
              }
            },
            "/api/v1/skus/{skuID}": {
              "get": {
                "operationId": "getSKU", "summary": "One SKU",
                "parameters": [{ "$ref": "#/components/parameters/skuID" }],
                "responses": { "200": { "description": "The SKU", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SKU" } } } } }
              }
            },
            "/api/v1/skus/{skuID}/listings": {
              "get": {
                "operationId": "listListings", "summary": "The SKU's listings per channel with their 表示在庫",
                "parameters": [{ "$ref": "#/components/parameters/skuID" }],
                "responses": { "200": { "description": "Listings", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Listing" } } } } } }
              },
              "post": {
                "operationId": "saveListing", "summary": "Add or change the SKU's listing on a channel (item code and rule: all, buffer:N, cap:N, percent:N)",
                "parameters": [{ "$ref": "#/components/parameters/skuID" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ListingInput" } } } },
                "responses": { "200": { "description": "The listing with its recomputed 表示在庫", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Listing" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/stock/{skuID}": {
              "get": {
                "operationId": "getStock", "summary": "On hand, reserved and available of a SKU (sets: derived availability)",
                "parameters": [{ "$ref": "#/components/parameters/skuID" }],
                "responses": { "200": { "description": "Stock figures", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Stock" } } } } }
              }
            },
            "/api/v1/stock/movements": {
              "post": {
                "operationId": "createMovement", "summary": "A receipt, a return of shipped goods (cancel), or an adjustment with its reason, recorded in the ledger",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["sku", "kind", "quantity"],
                  "properties": {
                    "sku": { "type": "string" },
                    "kind": { "type": "string", "enum": ["receipt", "cancel", "adjustment"] },
                    "quantity": { "type": "integer", "minimum": -1000000, "maximum": 1000000, "not": { "const": 0 }, "description": "Positive for receipts and returns; an adjustment may be negative" },
                    "reason": { "type": ["string", "null"] },
                    "warehouse": { "type": ["string", "null"], "description": "Warehouse code; the default warehouse when absent" }
                  } } } } },
                "responses": { "201": { "description": "The new figures", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Stock" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/stock/transfers": {
              "post": {
                "operationId": "transferStock", "summary": "Move available stock between warehouses (two ledger entries, one transaction)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["sku", "from", "to", "quantity"],
                  "properties": { "sku": { "type": "string" }, "from": { "type": "string" }, "to": { "type": "string" }, "quantity": { "type": "integer", "minimum": 1, "maximum": 1000000 } } } } } },
                "responses": { "201": { "description": "The SKU's figures over all warehouses", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Stock" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/reservations": {
              "post": {
                "operationId": "reserve", "summary": "Reserve every line of an order (sets as their components) or nothing; idempotent per reference",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["reference", "lines"],
                  "properties": {
                    "reference": { "type": "string", "minLength": 1, "maxLength": 100 },
                    "lines": { "type": "array", "minItems": 1, "maxItems": 500, "items": { "type": "object", "required": ["sku", "quantity"], "properties": { "sku": { "type": "string" }, "quantity": { "type": "integer", "minimum": 1, "maximum": 1000000 } } } }
                  } } } } },
                "responses": { "201": { "description": "Reserved (or the reservation this reference already made)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Reservation" } } } }, "409": { "description": "Not enough stock (code insufficient_stock), or the reference already reserved other lines (code reference_reused)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
              }
            },
            "/api/v1/reservations/{reference}/release": {
              "post": {
                "operationId": "releaseReservation", "summary": "Give a held reservation's stock back",
                "parameters": [{ "$ref": "#/components/parameters/reference" }],
                "responses": { "200": { "description": "Released", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Reservation" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/reservations/{reference}/commit": {
              "post": {
                "operationId": "commitReservation", "summary": "The reserved goods shipped",
                "parameters": [{ "$ref": "#/components/parameters/reference" }],
                "responses": { "200": { "description": "Committed", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Reservation" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/orders": {
              "get": {
                "operationId": "listOrders", "summary": "Orders, newest first, filtered, in pages of a cursor; with the counts per status",
                "parameters": [
                  { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["", "received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] } },
                  { "name": "channel", "in": "query", "schema": { "type": "string" } },
                  { "name": "label", "in": "query", "schema": { "type": "string" } },
                  { "name": "from", "in": "query", "description": "First day (JST), YYYY-MM-DD; empty for any", "schema": { "type": "string" } },
                  { "name": "to", "in": "query", "description": "Last day (JST), YYYY-MM-DD; empty for any", "schema": { "type": "string" } },
                  { "name": "payment", "in": "query", "schema": { "type": "string", "enum": ["", "card", "cod", "bank_transfer", "convenience_store", "postpay", "mall", "other"] } },
                  { "name": "carrier", "in": "query", "schema": { "type": "string" } },
                  { "name": "number", "in": "query", "description": "The channel's order number, exactly", "schema": { "type": "string" } },
                  { "name": "buyer", "in": "query", "description": "The buyer's phone number or e-mail address, exactly (found through a blind index)", "schema": { "type": "string" } },
                  { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["", "-orderedAt", "orderedAt"] } },
                  { "name": "cursor", "in": "query", "description": "nextCursor of the previous page", "schema": { "type": "string" } },
                  { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }
                ],
                "responses": { "200": { "description": "A page of orders", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderPage" } } } } }
              },
              "post": {
                "operationId": "createOrder", "summary": "Take an order in (own cart, any source); the same channel and number again answers 200 with the same id. Its stock is reserved; an order that does not fit is taken on hold (在庫不足)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderInput" } } } },
                "responses": {
                  "201": { "description": "Taken in", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderCreated" } } } },
                  "200": { "description": "Already taken in: the same order", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderCreated" } } } },
                  "409": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/api/v1/orders/import": {
              "post": {
                "operationId": "importOrders", "summary": "Take orders in from a file: 楽天 RMS order CSV, Amazon's order report (tab-separated) or Akinai's CSV, in CP932 or UTF-8, matched by header name; nothing is taken unless every row is valid, orders already there are counted, not taken twice",
                "parameters": [
                  { "name": "dryRun", "in": "query", "schema": { "type": "boolean" } },
                  { "name": "format", "in": "query", "schema": { "type": "string", "enum": ["", "auto", "akinai", "rakuten", "amazon"] } }
                ],
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string", "minLength": 1 } } } },
                "responses": {
                  "200": { "description": "The report", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderImportReport" } } } },
                  "422": { "description": "Every problem with line, column and reason; nothing taken", "content": { "application/json": { "schema": { "oneOf": [{ "$ref": "#/components/schemas/OrderImportReport" }, { "$ref": "#/components/schemas/Error" }] } } } },
                  "409": { "$ref": "#/components/responses/Error" },
                  "503": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/api/v1/orders/shipping/labels": {
              "post": {
                "operationId": "shippingLabels", "summary": "The carrier's label file (B2クラウド, e飛伝, ゆうパックプリントR) of every order ready to ship, in CP932; the orders are marked with the carrier",
                "parameters": [
                  { "name": "carrier", "in": "query", "required": true, "schema": { "type": "string", "enum": ["yamato", "sagawa", "japanpost"] } },
                  { "name": "replace", "in": "query", "description": "1: write 〓 for characters CP932 cannot hold instead of refusing", "schema": { "type": "string", "enum": ["0", "1"] } }
                ],
                "responses": { "200": { "description": "CSV (CP932)", "content": { "text/csv": { "schema": { "type": "string" } } } }, "409": { "description": "Nothing ready to ship, or the shop's sender is not set (code sender_incomplete)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
              }
            },
            "/api/v1/orders/shipping/tracking": {
              "post": {
                "operationId": "importTracking", "summary": "Ship orders from a file of order numbers and tracking numbers (CP932 or UTF-8): each is committed, recorded and mailed to its buyer; nothing applies unless every row is valid",
                "parameters": [
                  { "name": "carrier", "in": "query", "description": "For rows without a carrier column", "schema": { "type": "string", "enum": ["", "yamato", "sagawa", "japanpost"] } },
                  { "name": "dryRun", "in": "query", "schema": { "type": "boolean" } }
                ],
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string", "minLength": 1 } } } },
                "responses": {
                  "200": { "description": "The report", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TrackingReport" } } } },
                  "422": { "description": "Every problem with line, column and reason; nothing applied", "content": { "application/json": { "schema": { "oneOf": [{ "$ref": "#/components/schemas/TrackingReport" }, { "$ref": "#/components/schemas/Error" }] } } } },
                  "409": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/api/v1/orders/{orderID}/shipments": {
              "post": {
                "operationId": "shipOrder", "summary": "Ship an order that is ready to ship with its carrier and tracking number: its stock is committed and its buyer mailed",
                "parameters": [{ "$ref": "#/components/parameters/orderID" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["carrier", "tracking"],
                  "properties": { "carrier": { "type": "string", "enum": ["yamato", "sagawa", "japanpost"] }, "tracking": { "type": "string", "description": "1–30 letters, digits and hyphens" } } } } } },
                "responses": { "200": { "description": "The order, shipped", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/orders/rules": {
              "get": {
                "operationId": "getOrderRules", "summary": "The published order rules (オートロボ) and the draft, as text",
                "responses": { "200": { "description": "The rules", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderRules" } } } } }
              }
            },
            "/api/v1/orders/rules/draft": {
              "post": {
                "operationId": "saveOrderRulesDraft", "summary": "Save the draft rules (one per line: name | conditions | actions) and replay them over the last 1,000 orders: every order they would treat differently from the published rules",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["source"], "properties": { "source": { "type": "string" } } } } } },
                "responses": { "200": { "description": "The draft's version and the replay", "content": { "application/json": { "schema": {
                  "type": "object", "required": ["version", "replayed", "changes"],
                  "properties": {
                    "version": { "type": "integer" }, "replayed": { "type": "integer" },
                    "changes": { "type": "array", "items": { "type": "object", "required": ["id", "number", "changes", "rules"], "properties": { "id": { "type": "string", "format": "uuid" }, "number": { "type": "string" }, "changes": { "type": "array", "items": { "type": "string" } }, "rules": { "type": "array", "items": { "type": "string" } } } } }
                  } } } } },
                  "409": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/api/v1/orders/rules/{version}/publish": {
              "post": {
                "operationId": "publishOrderRules", "summary": "Publish the draft of this version: intake applies it from now on",
                "parameters": [{ "name": "version", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1, "maximum": 999999999 } }],
                "responses": { "200": { "description": "The rules", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderRules" } } } }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/orders/{orderID}": {
              "get": {
                "operationId": "getOrder", "summary": "One order with its lines, amounts per tax rate, addresses, history and the states it may move to",
                "parameters": [{ "$ref": "#/components/parameters/orderID" }],
                "responses": { "200": { "description": "The order", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } } }
              }
            },
            "/api/v1/orders/{orderID}/transitions": {
              "post": {
                "operationId": "transitionOrder", "summary": "Move an order to another state of its workflow (a cancel releases its stock, shipping commits it)",
                "parameters": [{ "$ref": "#/components/parameters/orderID" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["to"],
                  "properties": {
                    "to": { "type": "string", "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] },
                    "reason": { "type": ["string", "null"], "description": "Why (at most 200 characters); for 保留, the hold reason" },
                    "from": { "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled", null], "description": "The state the caller saw: refused (409) if the order has left it" }
                  } } } } },
                "responses": { "200": { "description": "The order after the move", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } }, "409": { "description": "Not allowed from the order's state (code transition_not_allowed, naming both states), changed meanwhile (conflict), or stock still short (insufficient_stock)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
              }
            },
            "/api/v1/me": {
              "get": {
                "operationId": "getMe",
                "summary": "The tenant, user and scopes of the calling token",
                "responses": { "200": { "description": "The caller", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } } }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `akinai token create` or Settings → API tokens" }
            },
            "parameters": {
              "page": { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100000 } },
              "perPage": { "name": "perPage", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } },
              "skuID": { "name": "skuID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } },
              "reference": { "name": "reference", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 100 } },
              "orderID": { "name": "orderID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }
            },
            "responses": {
              "Error": {
                "description": "An error",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
              }
            },
            "schemas": {
              "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                  "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": { "code": { "type": "string" }, "message": { "type": "string" }, "field": { "type": "string" } }
                  }
                }
              },
              "ProductInput": {
                "type": "object",
                "required": ["code", "name", "skus"],
                "properties": {
                  "code": { "type": "string", "description": "1–64 of A–Z a–z 0–9 - _ . /" },
                  "name": { "type": "string", "description": "1–100 characters" },
                  "supplier": { "type": ["string", "null"] },
                  "labels": { "type": ["array", "null"], "maxItems": 20, "items": { "type": "string" } },
                  "skus": { "type": "array", "minItems": 1, "maxItems": 200, "items": { "$ref": "#/components/schemas/SKUInput" } }
                }
              },
              "SKUInput": {
                "type": "object", "required": ["code", "price"],
                "properties": {
                  "code": { "type": "string", "description": "1–64 of A–Z a–z 0–9 - _ . /" },
                  "variant": { "type": ["string", "null"] },
                  "jan": { "type": ["string", "null"], "description": "EAN-13 or EAN-8 with a valid check digit, or empty" },
                  "price": { "type": "integer", "minimum": 0, "maximum": 100000000 },
                  "taxClass": { "enum": ["standard", "reduced", null] },
                  "sizeClass": { "type": ["string", "null"] },
                  "coolType": { "enum": ["ambient", "chilled", "frozen", null] },
                  "reorderPoint": { "type": ["integer", "null"], "minimum": 0, "maximum": 1000000 },
                  "labels": { "type": ["array", "null"], "maxItems": 20, "items": { "type": "string" } },
                  "components": { "type": ["array", "null"], "maxItems": 50, "items": { "type": "object", "required": ["sku", "quantity"], "properties": { "sku": { "type": "string" }, "quantity": { "type": "integer", "minimum": 1, "maximum": 999 } } } },
                  "listings": { "type": ["array", "null"], "maxItems": 5, "items": { "$ref": "#/components/schemas/ListingInput" } }
                }
              },
              "ListingInput": {
                "type": "object", "required": ["channel", "itemCode"],
                "properties": {
                  "channel": { "type": "string", "enum": ["rakuten", "yahoo", "amazon", "shopify", "own"] },
                  "itemCode": { "type": "string", "minLength": 1, "maxLength": 100 },
                  "rule": { "type": ["string", "null"], "description": "all, buffer:N, cap:N or percent:N" }
                }
              },
              "SKU": {
                "type": "object", "required": ["id", "code", "variant", "price", "taxClass", "coolType", "isSet", "labels", "available"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" }, "code": { "type": "string" }, "productCode": { "type": "string" },
                  "variant": { "type": "string" }, "jan": { "type": "string" }, "price": { "type": "integer" },
                  "taxClass": { "type": "string", "enum": ["standard", "reduced"] }, "coolType": { "type": "string", "enum": ["ambient", "chilled", "frozen"] },
                  "isSet": { "type": "boolean" }, "reorderPoint": { "type": "integer" },
                  "labels": { "type": "array", "items": { "type": "string" } }, "available": { "type": "integer" }
                }
              },
              "Product": {
                "type": "object", "required": ["id", "code", "name", "supplier", "labels", "skus"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" }, "code": { "type": "string" }, "name": { "type": "string" },
                  "supplier": { "type": "string" }, "labels": { "type": "array", "items": { "type": "string" } },
                  "skus": { "type": "array", "items": { "$ref": "#/components/schemas/SKU" } }
                }
              },
              "ProductPage": {
                "type": "object", "required": ["items", "page", "perPage", "total"],
                "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Product" } }, "page": { "type": "integer" }, "perPage": { "type": "integer" }, "total": { "type": "integer" } }
              },
              "SKUPage": {
                "type": "object", "required": ["items", "page", "perPage", "total"],
                "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/SKU" } }, "page": { "type": "integer" }, "perPage": { "type": "integer" }, "total": { "type": "integer" } }
              },
              "Listing": {
                "type": "object", "required": ["channel", "itemCode", "rule", "shown"],
                "properties": { "channel": { "type": "string" }, "itemCode": { "type": "string" }, "rule": { "type": "string" }, "shown": { "type": "integer" } }
              },
              "Stock": {
                "type": "object", "required": ["sku", "onHand", "reserved", "available"],
                "properties": { "sku": { "type": "string" }, "onHand": { "type": "integer" }, "reserved": { "type": "integer" }, "available": { "type": "integer" } }
              },
              "Reservation": {
                "type": "object", "required": ["reference", "status"],
                "properties": { "reference": { "type": "string" }, "status": { "type": "string", "enum": ["held", "committed", "released"] } }
              },
              "ImportReport": {
                "type": "object", "required": ["encoding", "rows", "created", "updated", "applied", "errors"],
                "properties": {
                  "encoding": { "type": "string" }, "rows": { "type": "integer" }, "created": { "type": "integer" },
                  "updated": { "type": "integer" }, "applied": { "type": "boolean" },
                  "errors": { "type": "array", "items": { "type": "object", "properties": { "line": { "type": "integer" }, "column": { "type": "string" }, "reason": { "type": "string" } } } }
                }
              },
              "OrderInput": {
                "type": "object", "required": ["channel", "number", "lines", "shipTo"],
                "properties": {
                  "channel": { "type": "string", "description": "rakuten, yahoo, amazon, shopify, own, or another source's code (1–32 of a–z 0–9 - _)" },
                  "number": { "type": "string", "description": "The channel's order number (1–64 characters, no spaces)" },
                  "orderedAt": { "type": ["string", "null"], "description": "RFC 3339, or JST as YYYY-MM-DD HH:MM[:SS]; now when absent" },
                  "lines": { "type": "array", "minItems": 1, "maxItems": 200, "items": {
                    "type": "object", "required": ["sku", "quantity", "unitPrice"],
                    "properties": {
                      "sku": { "type": "string" }, "name": { "type": ["string", "null"], "description": "The product's name when absent" },
                      "quantity": { "type": "integer", "minimum": 1, "maximum": 99999 },
                      "unitPrice": { "type": "integer", "minimum": 0, "maximum": 100000000 },
                      "taxRate": { "enum": [10, 8, null], "description": "The SKU's tax class when absent" }
                    } } },
                  "shipTo": { "$ref": "#/components/schemas/OrderPersonInput" },
                  "buyer": { "oneOf": [{ "$ref": "#/components/schemas/OrderPersonInput" }, { "type": "null" }], "description": "The recipient when absent" },
                  "shippingFee": { "type": ["integer", "null"], "minimum": 0, "maximum": 100000000 },
                  "codFee": { "type": ["integer", "null"], "minimum": 0, "maximum": 100000000 },
                  "discount": { "type": ["integer", "null"], "minimum": 0, "maximum": 100000000 },
                  "points": { "type": ["integer", "null"], "minimum": 0, "maximum": 100000000 },
                  "taxIncluded": { "type": ["boolean", "null"], "description": "Prices include tax (default true)" },
                  "paymentMethod": { "enum": ["", "card", "cod", "bank_transfer", "convenience_store", "postpay", "mall", "other", null] },
                  "deliveryDate": { "type": ["string", "null"], "description": "YYYY-MM-DD" },
                  "deliveryTime": { "enum": ["", "0812", "1214", "1416", "1618", "1820", "1921", "2021", null] },
                  "gift": { "type": ["boolean", "null"] },
                  "noshi": { "type": ["string", "null"] },
                  "remarks": { "type": ["string", "null"], "description": "The buyer's remarks (sealed)" },
                  "memo": { "type": ["string", "null"] },
                  "labels": { "type": ["array", "null"], "items": { "type": "string" } }
                }
              },
              "OrderPersonInput": {
                "type": "object", "required": ["name", "postalCode", "prefecture", "city", "address1", "phone"],
                "properties": {
                  "name": { "type": "string", "description": "1–50 characters" }, "kana": { "type": ["string", "null"] },
                  "postalCode": { "type": "string", "description": "Seven digits, with or without the hyphen" },
                  "prefecture": { "type": "string", "description": "東京都, or 東京" }, "city": { "type": "string" },
                  "address1": { "type": "string" }, "address2": { "type": ["string", "null"], "description": "Building and room" },
                  "phone": { "type": "string", "description": "10 or 11 digits from 0 (hyphens allowed; +81 accepted)" },
                  "email": { "type": ["string", "null"] }
                }
              },
              "OrderImportReport": {
                "type": "object", "required": ["format", "encoding", "rows", "orders", "created", "existing", "onHold", "applied", "errors", "unknownColumns"],
                "properties": {
                  "format": { "type": "string" }, "encoding": { "type": "string" }, "rows": { "type": "integer" },
                  "orders": { "type": "integer" }, "created": { "type": "integer" }, "existing": { "type": "integer" },
                  "onHold": { "type": "integer" }, "applied": { "type": "boolean" },
                  "errors": { "type": "array", "items": { "type": "object", "required": ["line", "column", "reason"], "properties": { "line": { "type": "integer" }, "column": { "type": "string" }, "reason": { "type": "string" } } } },
                  "unknownColumns": { "type": "array", "items": { "type": "string" } }
                }
              },
              "TrackingReport": {
                "type": "object", "required": ["rows", "shipped", "unchanged", "applied", "errors"],
                "properties": {
                  "rows": { "type": "integer" }, "shipped": { "type": "integer" }, "unchanged": { "type": "integer" }, "applied": { "type": "boolean" },
                  "errors": { "type": "array", "items": { "type": "object", "required": ["line", "column", "reason"], "properties": { "line": { "type": "integer" }, "column": { "type": "string" }, "reason": { "type": "string" } } } }
                }
              },
              "OrderRules": {
                "type": "object",
                "properties": {
                  "published": { "type": "object", "required": ["version", "source"], "properties": { "version": { "type": "integer" }, "source": { "type": "string" } } },
                  "draft": { "type": "object", "required": ["version", "source"], "properties": { "version": { "type": "integer" }, "source": { "type": "string" } } }
                }
              },
              "OrderCreated": {
                "type": "object", "required": ["id", "channel", "number", "status", "created"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" }, "channel": { "type": "string" }, "number": { "type": "string" },
                  "status": { "type": "string", "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] }, "created": { "type": "boolean" }
                }
              },
              "OrderSummary": {
                "type": "object", "required": ["id", "channel", "number", "status", "orderedAt", "total", "buyerName", "prefecture", "labels", "holdReason", "purchaseCount", "carrier", "paymentMethod"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" }, "channel": { "type": "string" }, "number": { "type": "string" },
                  "status": { "type": "string", "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] }, "orderedAt": { "type": "string", "format": "date-time" },
                  "total": { "type": "integer" }, "buyerName": { "type": "string" }, "prefecture": { "type": "string" },
                  "labels": { "type": "array", "items": { "type": "string" } }, "holdReason": { "type": "string" },
                  "purchaseCount": { "type": "integer", "description": "1 for a first purchase, 2 for the second…" },
                  "carrier": { "type": "string" }, "paymentMethod": { "type": "string" }
                }
              },
              "OrderPage": {
                "type": "object", "required": ["orders", "counts"],
                "properties": {
                  "orders": { "type": "array", "items": { "$ref": "#/components/schemas/OrderSummary" } },
                  "nextCursor": { "type": "string" },
                  "counts": { "type": "object", "additionalProperties": { "type": "integer" } }
                }
              },
              "OrderPerson": {
                "type": "object", "required": ["name", "kana", "postalCode", "prefecture", "city", "address1", "address2", "phone", "email"],
                "properties": {
                  "name": { "type": "string" }, "kana": { "type": "string" }, "postalCode": { "type": "string" },
                  "prefecture": { "type": "string" }, "city": { "type": "string" }, "address1": { "type": "string" },
                  "address2": { "type": "string" }, "phone": { "type": "string" }, "email": { "type": "string" }
                }
              },
              "Order": {
                "type": "object",
                "required": ["id", "channel", "number", "status", "orderedAt", "amounts", "taxIncluded", "paymentMethod", "lines", "purchaseCount", "deliveryDate", "deliveryTime", "gift", "noshi", "remarks", "memo", "labels", "carrier", "service", "tracking", "holdReason", "missing", "next", "history", "addressFlags"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" }, "channel": { "type": "string" }, "number": { "type": "string" },
                  "status": { "type": "string", "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] }, "orderedAt": { "type": "string", "format": "date-time" },
                  "amounts": {
                    "type": "object", "required": ["items", "shippingFee", "codFee", "discount", "points", "total", "taxable10", "tax10", "taxable8", "tax8"],
                    "description": "Yen. taxable10/taxable8: the amount subject to each rate, tax included; tax10/tax8: its tax, rounded down once per rate",
                    "properties": {
                      "items": { "type": "integer" }, "shippingFee": { "type": "integer" }, "codFee": { "type": "integer" },
                      "discount": { "type": "integer" }, "points": { "type": "integer" }, "total": { "type": "integer" },
                      "taxable10": { "type": "integer" }, "tax10": { "type": "integer" }, "taxable8": { "type": "integer" }, "tax8": { "type": "integer" }
                    }
                  },
                  "taxIncluded": { "type": "boolean" }, "paymentMethod": { "type": "string" },
                  "lines": { "type": "array", "items": { "type": "object", "required": ["sku", "name", "quantity", "unitPrice", "taxRate"],
                    "properties": { "sku": { "type": "string" }, "name": { "type": "string" }, "quantity": { "type": "integer" }, "unitPrice": { "type": "integer" }, "taxRate": { "type": "integer" } } } },
                  "buyer": { "$ref": "#/components/schemas/OrderPerson" }, "shipTo": { "$ref": "#/components/schemas/OrderPerson" },
                  "purchaseCount": { "type": "integer" }, "deliveryDate": { "type": "string" }, "deliveryTime": { "type": "string" },
                  "gift": { "type": "boolean" }, "noshi": { "type": "string" }, "remarks": { "type": "string" }, "memo": { "type": "string" },
                  "labels": { "type": "array", "items": { "type": "string" } }, "carrier": { "type": "string" }, "service": { "type": "string" },
                  "tracking": { "type": "array", "items": { "type": "string" } }, "holdReason": { "type": "string" },
                  "missing": { "type": "array", "items": { "type": "object", "required": ["sku", "needed", "available"], "properties": { "sku": { "type": "string" }, "needed": { "type": "integer" }, "available": { "type": "integer" } } } },
                  "next": { "type": "array", "items": { "type": "string", "enum": ["received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed", "cancelled"] } },
                  "ruleVersion": { "type": "integer", "description": "The version of the shop's rules that touched the order at intake" },
                  "addressFlags": { "type": "array", "items": { "type": "string", "enum": ["postal_unknown", "city_mismatch", "no_number", "remote_island"] }, "description": "What the address check against Japan Post's data found" },
                  "history": { "type": "array", "items": { "type": "object", "required": ["at", "actor", "to", "reason"],
                    "properties": { "at": { "type": "string", "format": "date-time" }, "actor": { "type": "string" }, "from": { "type": "string" }, "to": { "type": "string" }, "reason": { "type": "string" } } } }
                }
              },
              "Me": {
                "type": "object",
                "required": ["tenant", "user", "scopes"],
                "properties": {
                  "tenant": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": { "code": { "type": "string" }, "name": { "type": "string" } }
                  },
                  "user": {
                    "type": "object",
                    "required": ["id", "email", "role"],
                    "properties": {
                      "id": { "type": "string", "format": "uuid" },
                      "email": { "type": "string" },
                      "role": { "type": "string", "enum": ["admin", "staff", "viewer"] }
                    }
                  },
                  "scopes": { "type": "array", "items": { "type": "string" } }
                }
              }
            }
          }
        }
        """#

    /// `base` with the answers every operation shares: 401/403/429 always (no or weak token, rate limit),
    /// 400/422 when it takes input, 404 when its path names something, 413/415 when it takes a body.
    static let json: String = {
        guard var root = try? JSONSerialization.jsonObject(with: Data(base.utf8)) as? [String: Any],
            var paths = root["paths"] as? [String: [String: Any]]
        else { return base }
        let error: [String: Any] = ["$ref": "#/components/responses/Error"]
        for (path, var item) in paths {
            for (method, value) in item {
                guard var operation = value as? [String: Any] else { continue }
                var responses = operation["responses"] as? [String: Any] ?? [:]
                var codes = ["401", "403", "429", "503"]
                let hasBody = operation["requestBody"] != nil
                if hasBody || operation["parameters"] != nil { codes += ["400", "422"] }
                if path.contains("{") { codes.append("404") }
                if hasBody { codes += ["413", "415"] }
                for code in codes where responses[code] == nil { responses[code] = error }
                operation["responses"] = responses
                item[method] = operation
            }
            paths[path] = item
        }
        root["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]) else { return base }
        return String(decoding: data, as: UTF8.self)
    }()

    static func serve(_ request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: json))
    }
}
