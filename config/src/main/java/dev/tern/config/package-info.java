/**
 * The settings model of Tern: every setting with its type, default and description
 * ({@link dev.tern.config.Settings}), the {@code tern.conf} parser ({@link dev.tern.config.ConfigLoader}) and the
 * validated result ({@link dev.tern.config.TernConfig}). Plain JDK; nothing here does I/O besides reading the file.
 */
package dev.tern.config;
