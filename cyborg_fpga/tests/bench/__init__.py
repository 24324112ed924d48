"""The benchmark: real processes on real services, figures against floors.

``python -m cyborg_fpga.tests.bench`` (``tox -e bench``) starts the API,
a conductor and agents with the fake driver on RabbitMQ and MariaDB with a
real Glance on loopback, measures each row of the table and, in the same
run, the floor it is compared with, and prints one table. It is no test:
nothing here asserts a time. Module names never start with ``test_``, so
stestr does not collect them.
"""
