import FluentKit
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/openapi.json`. A test fails when a registered API
/// route is missing here, so the document and the routes cannot drift apart.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Akinai API",
            "version": "1.0.0",
            "description": "Multi-tenant back office for Japanese online shops. Every request acts for the tenant and user of its Bearer token, within the token's scopes."
          },
          "servers": [{ "url": "/" }],
          "security": [{ "bearer": [] }],
          "paths": {
            "/api/v1/products": {
              "get": {
                "operationId": "listProducts", "summary": "Products with their SKUs, searched, sorted and paginated",
                "parameters": [
                  { "name": "q", "in": "query", "schema": { "type": "string" } },
                  { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                  { "name": "perPage", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } },
                  { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["code", "name", "-created"] } }
                ],
                "responses": { "200": { "description": "A page of products" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" } }
              },
              "post": {
                "operationId": "createProduct", "summary": "Create a product with its SKUs, set compositions and channel listings",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProductInput" } } } },
                "responses": { "201": { "description": "Created" }, "409": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/products/import": {
              "post": {
                "operationId": "importProducts", "summary": "Create or update the master from CSV (UTF-8 or CP932); nothing applies unless every row is valid",
                "parameters": [{ "name": "dryRun", "in": "query", "schema": { "type": "boolean" } }],
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string" } } } },
                "responses": { "200": { "description": "The report: rows, created, updated, applied" }, "422": { "description": "Every error with line, column and reason; nothing applied" } }
              }
            },
            "/api/v1/products/export": {
              "get": {
                "operationId": "exportProducts", "summary": "The master as CSV in the columns the import reads (CP932; encoding=utf8 for UTF-8)",
                "parameters": [{ "name": "encoding", "in": "query", "schema": { "type": "string", "enum": ["cp932", "utf8"] } }],
                "responses": { "200": { "description": "CSV", "content": { "text/csv": { "schema": { "type": "string" } } } } }
              }
            },
            "/api/v1/skus": {
              "get": {
                "operationId": "listSKUs", "summary": "SKUs with available stock; q matches code, variant or JAN",
                "parameters": [
                  { "name": "q", "in": "query", "schema": { "type": "string" } },
                  { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                  { "name": "perPage", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }
                ],
                "responses": { "200": { "description": "A page of SKUs" }, "401": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/skus/{skuID}": {
              "get": {
                "operationId": "getSKU", "summary": "One SKU",
                "parameters": [{ "name": "skuID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": { "description": "The SKU" }, "404": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/skus/{skuID}/listings": {
              "get": {
                "operationId": "listListings", "summary": "The SKU's listings per channel with their 表示在庫",
                "parameters": [{ "name": "skuID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": { "description": "Listings" }, "404": { "$ref": "#/components/responses/Error" } }
              },
              "post": {
                "operationId": "saveListing", "summary": "Add or change the SKU's listing on a channel (item code and rule: all, buffer:N, cap:N, percent:N)",
                "parameters": [{ "name": "skuID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["channel", "itemCode"],
                  "properties": { "channel": { "type": "string", "enum": ["rakuten", "yahoo", "amazon", "shopify", "own"] }, "itemCode": { "type": "string" }, "rule": { "type": "string" } } } } } },
                "responses": { "200": { "description": "The listing with its recomputed 表示在庫" }, "404": { "$ref": "#/components/responses/Error" }, "409": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/stock/{skuID}": {
              "get": {
                "operationId": "getStock", "summary": "On hand, reserved and available of a SKU (sets: derived availability)",
                "parameters": [{ "name": "skuID", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": { "description": "Stock figures" }, "404": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/stock/movements": {
              "post": {
                "operationId": "createMovement", "summary": "A receipt, a return of shipped goods (cancel), or an adjustment with its reason, recorded in the ledger",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["sku", "kind", "quantity"],
                  "properties": { "sku": { "type": "string" }, "kind": { "type": "string", "enum": ["receipt", "cancel", "adjustment"] }, "quantity": { "type": "integer" }, "reason": { "type": "string" } } } } } },
                "responses": { "201": { "description": "The new figures" }, "409": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/stock/transfers": {
              "post": {
                "operationId": "transferStock", "summary": "Move available stock between warehouses (two ledger entries, one transaction)",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["sku", "from", "to", "quantity"],
                  "properties": { "sku": { "type": "string" }, "from": { "type": "string" }, "to": { "type": "string" }, "quantity": { "type": "integer", "minimum": 1 } } } } } },
                "responses": { "201": { "description": "The SKU's figures over all warehouses" }, "409": { "$ref": "#/components/responses/Error" }, "422": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/reservations": {
              "post": {
                "operationId": "reserve", "summary": "Reserve every line of an order (sets as their components) or nothing; idempotent per reference",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                  "type": "object", "required": ["reference", "lines"],
                  "properties": { "reference": { "type": "string" }, "lines": { "type": "array", "items": { "type": "object", "required": ["sku", "quantity"], "properties": { "sku": { "type": "string" }, "quantity": { "type": "integer", "minimum": 1 } } } } } } } } },
                "responses": { "201": { "description": "Reserved" }, "409": { "description": "Not enough stock (code insufficient_stock)" }, "422": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/reservations/{reference}/release": {
              "post": {
                "operationId": "releaseReservation", "summary": "Give a held reservation's stock back",
                "parameters": [{ "name": "reference", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "Released" }, "404": { "$ref": "#/components/responses/Error" }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/reservations/{reference}/commit": {
              "post": {
                "operationId": "commitReservation", "summary": "The reserved goods shipped",
                "parameters": [{ "name": "reference", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "Committed" }, "404": { "$ref": "#/components/responses/Error" }, "409": { "$ref": "#/components/responses/Error" } }
              }
            },
            "/api/v1/me": {
              "get": {
                "operationId": "getMe",
                "summary": "The tenant, user and scopes of the calling token",
                "responses": {
                  "200": {
                    "description": "The caller",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } }
                  },
                  "401": { "$ref": "#/components/responses/Error" }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `akinai token create` or Settings → API tokens" }
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
                    "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
                  }
                }
              },
              "ProductInput": {
                "type": "object",
                "required": ["code", "name", "skus"],
                "properties": {
                  "code": { "type": "string" }, "name": { "type": "string" }, "supplier": { "type": "string" },
                  "labels": { "type": "array", "items": { "type": "string" } },
                  "skus": { "type": "array", "items": { "type": "object", "required": ["code", "price"], "properties": {
                    "code": { "type": "string" }, "variant": { "type": "string" }, "jan": { "type": "string" },
                    "price": { "type": "integer" }, "taxClass": { "type": "string", "enum": ["standard", "reduced"] },
                    "sizeClass": { "type": "string" }, "coolType": { "type": "string", "enum": ["ambient", "chilled", "frozen"] },
                    "reorderPoint": { "type": "integer" },
                    "components": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" }, "quantity": { "type": "integer" } } } },
                    "listings": { "type": "array", "items": { "type": "object", "properties": { "channel": { "type": "string" }, "itemCode": { "type": "string" }, "rule": { "type": "string" } } } }
                  } } }
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

    static func serve(_ request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: json))
    }
}
