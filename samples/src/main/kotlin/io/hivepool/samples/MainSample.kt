package io.hivepool.samples

/** The main sample. It grows into a tour of the pool once the Redis pool lands. */
fun main() {
    println("Hivepool: the main sample arrives with the samples issue.")
}
