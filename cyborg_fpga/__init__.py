import warnings

# oslo.messaging imports oslo.service, which imports eventlet and warns that
# it is deprecated. This service never uses eventlet (threads only), so the
# warning only misleads operators reading our logs.
warnings.filterwarnings('ignore', message='\\s*Eventlet is deprecated')
