package io.hivepool.ktor

import org.slf4j.Marker
import org.slf4j.event.Level
import org.slf4j.helpers.AbstractLogger
import org.slf4j.helpers.MessageFormatter
import java.util.concurrent.CopyOnWriteArrayList

/** An SLF4J logger that keeps every line (all levels enabled), for asserting what the plugin logs. */
class RecordingLogger : AbstractLogger() {
    data class Line(val level: Level, val message: String, val throwable: Throwable?)

    val lines: MutableList<Line> = CopyOnWriteArrayList()

    fun at(level: Level): List<Line> = lines.filter { it.level == level }

    override fun getName(): String = "recording"
    override fun getFullyQualifiedCallerName(): String? = null
    override fun handleNormalizedLoggingCall(level: Level, marker: Marker?, pattern: String?, args: Array<out Any?>?, throwable: Throwable?) {
        lines += Line(level, MessageFormatter.basicArrayFormat(pattern, args), throwable)
    }

    override fun isTraceEnabled(): Boolean = true
    override fun isTraceEnabled(marker: Marker?): Boolean = true
    override fun isDebugEnabled(): Boolean = true
    override fun isDebugEnabled(marker: Marker?): Boolean = true
    override fun isInfoEnabled(): Boolean = true
    override fun isInfoEnabled(marker: Marker?): Boolean = true
    override fun isWarnEnabled(): Boolean = true
    override fun isWarnEnabled(marker: Marker?): Boolean = true
    override fun isErrorEnabled(): Boolean = true
    override fun isErrorEnabled(marker: Marker?): Boolean = true
}
