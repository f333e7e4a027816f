import App
import Foundation
import Logging
import Vapor

/// The `akinai` executable: reads the configuration, builds the application and runs the command line.
@main
enum Entrypoint {
    static func main() async {
        let config: AppConfig
        do {
            config = try AppConfig.from(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("akinai: \(error)\n".utf8))
            exit(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = config.logLevel
            return handler
        }
        do {
            var env = try Environment.detect()
            if env.name == Environment.development.name { env = .production.with(arguments: env.arguments) }
            let app = try await Application.make(env)
            let command = env.arguments.dropFirst().first
            do {
                try await configure(app, config: config, startWorkers: command == nil || command == "serve")
                try await app.execute()
            } catch {
                // Printed whatever the log level: the operator needs to see why a command failed.
                FileHandle.standardError.write(Data("akinai: \(error)\n".utf8))
                try? await app.asyncShutdown()
                exit(1)
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("akinai: \(error)\n".utf8))
            exit(1)
        }
    }
}

extension Environment {
    fileprivate func with(arguments: [String]) -> Environment {
        var copy = self
        copy.arguments = arguments
        return copy
    }
}
