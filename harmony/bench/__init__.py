"""`make bench`: our bot against a stock `rasa init` bot, same machine, same run."""
