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
